/** How failed token requests are retried. Configurable through `createTokenManager({ retry })`. */
export interface RetryPolicy {
  /** Attempts per token request, the first included (default 4). */
  readonly maxAttempts: number;
  /** Timeout of one attempt, body included (default 10 s). */
  readonly attemptTimeoutMs: number;
  /** Total time budget for all attempts and waits (default 30 s). */
  readonly maxElapsedMs: number;
  /** Exponential backoff with full jitter: random(0, min(max, base × 2^n)) (defaults 250 ms, 4 s). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /**
   * A provider's Retry-After is honoured up to this (default 2 min): no token request is sent
   * before it, by any caller; callers with a valid token keep getting it meanwhile.
   */
  readonly maxRetryAfterMs: number;
}

/**
 * Waits without keeping the process alive unless a caller is waiting on the result. Background
 * work never holds a process open; a caller's own retry wait may (it is bounded by the budget).
 */
export function defaultSleep(ms: number, keepAlive: boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) (timer as { unref?: () => void }).unref?.();
  });
}
