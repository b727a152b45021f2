/**
 * How `getToken()` decides, as named predicates over one cached token's instants (epoch ms on the
 * manager's clock). In the style of Azure's `tokenCycler.ts`:
 *
 * ```text
 *  obtained        refreshAt            usableUntil         expiresAt
 *     |── fresh ───────|── shouldRefresh ────|── mustRefresh ──────|── expired
 *                        serve cached,         callers wait for a new token
 *                        renew in background   (unless no request may go out)
 * ```
 */
export interface CachedInstants {
  /** From here on a background refresh is due. */
  readonly refreshAt: number;
  /** From here on callers wait for a new token. */
  readonly usableUntil: number;
  /** When the token stops working. */
  readonly expiresAt: number;
  /** No new request before this: the last refresh did not move expiry forward. */
  readonly notBefore: number;
}

/** Before the refresh window: the cached token is served and nothing else happens. */
export function isFresh(now: number, cached: CachedInstants): boolean {
  return now < cached.refreshAt;
}

/**
 * Callers must wait for a new token: the cached one has expired, or it is past its safety margin
 * and a request may go out now (no cooldown holds, and the last refresh was not a no-progress one).
 * While no request may go out, a token that still works is served instead.
 */
export function mustRefresh(now: number, cached: CachedInstants, blocked: boolean): boolean {
  if (now >= cached.expiresAt) return true;
  return now >= cached.usableUntil && now >= cached.notBefore && !blocked;
}

/**
 * A served token inside its refresh window gets one background refresh: unless one is already
 * running, the cooldown gate is closed, the last refresh made no progress, or the caller asked for
 * no background work.
 */
export function shouldRefresh(
  now: number,
  cached: CachedInstants,
  running: boolean,
  blocked: boolean,
  background: boolean,
): boolean {
  return !running && !blocked && now >= cached.notBefore && background;
}
