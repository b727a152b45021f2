/**
 * Runs `callback` after the I/O that is already waiting: Node's `setImmediate` runs after the poll
 * phase that reads it; elsewhere a zero timeout queues behind it.
 */
function afterPendingIo(callback: () => void): void {
  const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown })
    .setImmediate;
  if (typeof immediate === "function") immediate(callback);
  else setTimeout(callback, 0);
}

/**
 * Calls `onTimeout` once `ms` have passed in which the callee could have answered; returns the
 * function that cancels it. A timer that fires long past its time means this process was busy
 * (CPU-starved, a long synchronous handler), not the callee slow: the callee gets its time again
 * (twice at most, so a callee that never answers still costs a bounded wait). And a timeout is
 * declared only after the I/O already waiting had its turn, so a reply that arrived meanwhile is
 * read first. For `TokenStore` implementations that bound their own calls.
 *
 * @example
 * const cancel = startDeadline(500, () => reject(new Error("no answer within 500 ms")));
 * try { return await call(); } finally { cancel(); }
 */
export function startDeadline(ms: number, onTimeout: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  let rearms = 0;
  const arm = () => {
    const due = Date.now() + ms;
    timer = setTimeout(() => {
      if (Date.now() - due >= ms / 2 && rearms++ < 2) return arm();
      afterPendingIo(() => cancelled || onTimeout());
    }, ms);
    (timer as { unref?: () => void }).unref?.();
  };
  arm();
  return () => {
    cancelled = true;
    clearTimeout(timer);
  };
}
