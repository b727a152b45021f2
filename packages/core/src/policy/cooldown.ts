import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { SharedCooldown } from "../contract/store.js";

export interface CooldownPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How long a credentials failure blocks new requests (Infinity for providers that lock accounts). */
  readonly credentialFailureTtlMs: number;
}

/** Why the gate is closed, for a caller that has no usable token. */
export interface Blocked {
  readonly error: AuthError;
  readonly retryInMs: number;
  readonly credentials: boolean;
}

/**
 * What a manager remembers between token requests, shared by every caller:
 * - a credentials failure (never re-sent until it expires or is cleared);
 * - the provider's Retry-After (no request before it);
 * - a run of transient failures (one backoff schedule for everyone: a request goes out only when
 *   the backoff has passed, so an outage sees one probe per interval, not callers × attempts).
 */
export interface CooldownGate {
  /** Undefined when a request may go out now. */
  blocked(now: number): Blocked | undefined;
  /** Consecutive transient failures so far (0 when the provider is healthy). */
  readonly failures: number;
  /** Records a failed attempt; returns the delay before the next attempt may start. */
  failed(error: AuthError, now: number): number;
  succeeded(): void;
  clearCredentialsFailure(): void;
  /** Nothing remembered: the gate can be dropped and made again when needed. */
  idle(): boolean;
  /** Takes on what another instance sharing the store recorded. */
  adopt(shared: SharedCooldown, now: number, provider: string): void;
}

/**
 * Failures worth trying again later: no answer, a timeout, a 429, or an endpoint error with 408 or a
 * 5xx. Never a credentials failure, a redirect or an oversized body, whatever its status.
 */
export function isTransient(error: AuthError): boolean {
  switch (error.code) {
    case AuthErrorCode.Network:
    case AuthErrorCode.Timeout:
    case AuthErrorCode.RateLimited:
      return true;
    case AuthErrorCode.EndpointError:
      return error.temporary ?? (error.status === 408 || (error.status ?? 0) > 499);
    default:
      return false;
  }
}

export function createCooldownGate(policy: CooldownPolicy, random: () => number): CooldownGate {
  let credentialsFailure: AuthError | undefined;
  let credentialsUntil = 0;
  let lastTransient: AuthError | undefined;
  let failures = 0;
  let openAt = 0;

  return {
    get failures() {
      return failures;
    },
    idle: () => failures === 0 && credentialsFailure === undefined && openAt === 0,
    blocked(now) {
      if (credentialsFailure && now < credentialsUntil)
        return { error: credentialsFailure, retryInMs: credentialsUntil - now, credentials: true };
      if (!lastTransient || now >= openAt) return undefined;
      const retryInMs = openAt - now;
      const { code, status, provider } = lastTransient;
      return {
        credentials: false,
        retryInMs,
        error: new AuthError(
          code,
          `${provider} token endpoint is cooling down after ${status ? `a ${status}` : `a ${code}`}; no request is sent for another ${Math.ceil(retryInMs)} ms (see retryAfterMs)`,
          { provider, status, retryAfterMs: retryInMs, cause: lastTransient },
        ),
      };
    },
    failed(error, now) {
      if (error.code === AuthErrorCode.InvalidCredentials) {
        credentialsFailure = error;
        credentialsUntil = now + policy.credentialFailureTtlMs;
        return Infinity;
      }
      if (!isTransient(error)) return Infinity;
      failures += 1;
      lastTransient = error;
      // Exponential backoff with full jitter, unless the provider said how long to wait.
      const delay =
        error.retryAfterMs ??
        random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
      openAt = Math.max(openAt, now + delay);
      return openAt - now;
    },
    succeeded() {
      failures = 0;
      openAt = 0;
      lastTransient = undefined;
    },
    clearCredentialsFailure() {
      credentialsFailure = undefined;
      credentialsUntil = 0;
    },
    adopt(shared, now, provider) {
      const until = shared.until ?? Infinity;
      if (until <= now) return;
      const status = shared.status;
      if (shared.kind === "credentials") {
        credentialsUntil = Math.max(credentialsUntil, until);
        credentialsFailure ??= new AuthError(
          AuthErrorCode.InvalidCredentials,
          `${provider} rejected these credentials${status ? ` with ${status}` : ""} in another instance sharing the token store. Not sent again: check them (some providers lock an account after repeated failures), then call clearCredentialsFailure()`,
          { provider, status },
        );
        return;
      }
      failures = Math.max(failures, 1);
      openAt = Math.max(openAt, until);
      lastTransient ??= new AuthError(
        AuthErrorCode.RateLimited,
        `${provider} rate-limited another instance sharing the token store`,
        { provider, status: status ?? 429 },
      );
    },
  };
}
