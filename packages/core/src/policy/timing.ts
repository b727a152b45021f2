/** When to renew. Every value is configurable through `createTokenManager({ timing })`. */
export interface TimingPolicy {
  /** Refresh-ahead window as a share of the token's lifetime (default 0.25)… */
  readonly refreshAheadRatio: number;
  /** …clamped to at least this (default 30 s)… */
  readonly refreshAheadMinMs: number;
  /** …and at most this (default 10 min). */
  readonly refreshAheadMaxMs: number;
  /** ± share of random jitter on the window so a fleet does not refresh in lockstep (default 0.1). */
  readonly jitterRatio: number;
  /** Callers wait for a new token this close to expiry: min(max, ratio × lifetime) (defaults 30 s, 0.1). */
  readonly safetyMarginMaxMs: number;
  readonly safetyMarginRatio: number;
  /** A refresh that did not move expiry forward is not retried sooner than max(min, ratio × lifetime) (defaults 5 s, 0.1). */
  readonly noProgressMinMs: number;
  readonly noProgressRatio: number;
  /** Lifetime assumed when the response says nothing about expiry (default 5 min). */
  readonly defaultTtlMs: number;
  /**
   * How long a credentials failure is remembered, so a burst of callers does not re-send bad
   * credentials (default 60 s). For a provider that locks accounts (`lockoutAfter`), forever.
   */
  readonly credentialFailureTtlMs: number;
  /**
   * Longest lifetime believed (default 24 h): a token said to live longer is renewed as if it
   * lived this long, so no answer can pin a token in the cache forever.
   */
  readonly maxLifetimeMs: number;
  /**
   * Largest server clock skew corrected for with the response `Date` header (default 24 h, every
   * time zone mistake); a `Date` further off is a proxy's or a broken clock, and is ignored.
   */
  readonly maxClockSkewMs: number;
}

export interface Schedule {
  /** From here on, callers get the cached token and a background refresh starts. */
  readonly refreshAt: number;
  /** From here on, callers wait for a new token. */
  readonly usableUntil: number;
}

/** Computes the refresh-ahead point and the safety margin for a token obtained at `obtainedAt`. */
export function schedule(
  obtainedAt: number,
  expiresAt: number,
  policy: TimingPolicy,
  random: () => number,
): Schedule {
  const lifetime = Math.max(0, expiresAt - obtainedAt);
  const margin = Math.min(policy.safetyMarginMaxMs, policy.safetyMarginRatio * lifetime);
  const clamped = Math.min(
    policy.refreshAheadMaxMs,
    Math.max(policy.refreshAheadMinMs, policy.refreshAheadRatio * lifetime),
  );
  const jittered = clamped * (1 + policy.jitterRatio * (2 * random() - 1));
  // A window longer than half the lifetime would refresh a short-lived token on nearly every call.
  const window = Math.max(margin, Math.min(jittered, lifetime / 2));
  return { refreshAt: expiresAt - window, usableUntil: expiresAt - margin };
}
