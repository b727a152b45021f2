import type { Blocked, CooldownGate } from "../policy/cooldown.js";
import { hmacSha256Hex } from "../secrets/digest.js";
import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { StoreBinding, TokenStore } from "../contract/store.js";
import type { StoreGateway } from "./gateway.js";

export interface SharedStateOptions {
  readonly store: StoreGateway;
  readonly gate: CooldownGate;
  readonly key: string;
  /** The manager's secret credentials, joined: digested into the failure's fingerprint. */
  readonly secretMaterial: string;
  readonly provider: string;
  readonly clock: () => number;
  /** How long a shared credentials failure lasts; null: until cleared (providers that lock). */
  readonly credentialFailureTtlMs: number | null;
  /** Turns a closed gate into the error to throw (and reports it). */
  readonly onBlocked: (blocked: Blocked) => AuthError;
}

/**
 * What every instance sharing a store learns from the provider: a credentials failure (so a fleet
 * sends a failing login once) and a Retry-After. A failure carries a digest of the secrets that
 * failed, so instances started with a fixed password are not blocked by it.
 */
export function createSharedState(options: SharedStateOptions) {
  const { store, gate, key, clock } = options;
  let fingerprint: string | undefined;
  const secretsFingerprint = () =>
    (fingerprint ??= hmacSha256Hex(`@auth/core fingerprint\n${options.secretMaterial}`, key));

  return {
    /** Takes on what another instance recorded, and throws if it blocks a request now. */
    async respect(): Promise<void> {
      const shared = await store.getCooldown(key);
      if (!shared) return;
      if (shared.kind === "credentials" && shared.fingerprint !== secretsFingerprint()) return;
      gate.adopt(shared, clock(), options.provider);
      const blocked = gate.blocked(clock());
      if (blocked) throw options.onBlocked(blocked);
    },
    /** Records what the provider said where every instance will see it (before the lock is released). */
    async record(error: AuthError, delay: number): Promise<void> {
      if (!store.shares) return;
      const now = clock();
      if (error.code === AuthErrorCode.InvalidCredentials) {
        const digested = secretsFingerprint();
        const ttl = options.credentialFailureTtlMs;
        await store.setCooldown(
          key,
          {
            kind: "credentials",
            until: ttl === null ? null : now + ttl,
            code: error.code,
            status: error.status,
            fingerprint: digested,
          },
          ttl,
        );
      } else if (error.code === AuthErrorCode.RateLimited && error.retryAfterMs !== undefined) {
        await store.setCooldown(
          key,
          { kind: "rate_limited", until: now + delay, code: error.code, status: error.status },
          delay,
        );
      }
    },
  };
}

/** The store a manager uses: bound to it when the store supports binding. */
export function bindStore(store: TokenStore, binding: StoreBinding): TokenStore {
  if (typeof store.bind !== "function") return store;
  try {
    return store.bind(binding);
  } catch (cause) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      "store.bind() threw; check the store option",
      {
        cause,
      },
    );
  }
}
