/**
 * Every default of @auth/core in one place. Each is overridable through `createTokenManager`
 * options, except the internal bounds at the end.
 */
import type { RetryPolicy } from "./retry.js";
import type { TimingPolicy } from "./timing.js";

export const DEFAULT_TIMING: TimingPolicy = {
  refreshAheadRatio: 0.25,
  refreshAheadMinMs: 30_000,
  refreshAheadMaxMs: 600_000,
  jitterRatio: 0.1,
  safetyMarginMaxMs: 30_000,
  safetyMarginRatio: 0.1,
  noProgressMinMs: 5_000,
  noProgressRatio: 0.1,
  defaultTtlMs: 300_000,
  credentialFailureTtlMs: 60_000,
  maxLifetimeMs: 86_400_000,
  maxClockSkewMs: 86_400_000,
};

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  attemptTimeoutMs: 10_000,
  maxElapsedMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 120_000,
};

/** Bound on one TokenStore call (`storeTimeoutMs`). */
export const DEFAULT_STORE_TIMEOUT_MS = 1_000;

/** Cap on a token response body (`maxResponseBytes`): real ones are a few kilobytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/** Failed store calls in a row, with none ever answered, after which a store is reported unusable. */
export const UNUSABLE_AFTER = 3;

/** Waiting for another instance's refresh: first backoff step and cap (doubling, jittered). */
export const LOCK_WAIT_FIRST_MS = 50;
export const LOCK_WAIT_MAX_MS = 1_000;
