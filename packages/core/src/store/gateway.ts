import { UNUSABLE_AFTER } from "../policy/defaults.js";
import { startDeadline } from "../policy/deadline.js";
import type { ReleaseLock, SharedCooldown, TokenStore } from "../contract/store.js";
import type { StoredToken } from "../contract/token.js";
import { isUsableAccessToken, isUsableTokenType } from "../contract/token.js";

export type StoreOperation = "get" | "set" | "delete" | "lock" | "release" | "cooldown";

export interface StoreGatewayOptions {
  readonly timeoutMs: number;
  readonly maxLifetimeMs: number;
  readonly clock: () => number;
  /** A call threw, rejected or did not settle in time: the manager carries on without the store. */
  readonly onFailure: (operation: StoreOperation, reason: "timeout" | "error") => void;
  /** A value read from the store was not a usable token; it was discarded and deleted. */
  readonly onRejected: (reason: string) => void;
  /** The first `UNUSABLE_AFTER` calls all failed and none ever answered: said once. */
  readonly onUnusable?: (failures: number) => void;
}

/**
 * The manager's only way to a `TokenStore`. Every call is bounded and never throws: a store that
 * hangs, throws or returns garbage costs sharing, never a token.
 * - `get` validates what it reads and deletes what is unusable;
 * - `lock` resolves `null` when locking failed (carry on uncoordinated), `undefined` when another
 *   holder has the lock.
 */
export interface StoreGateway {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, value: StoredToken, ttlMs: number): Promise<void>;
  delete(key: string, ifAccessToken?: string): Promise<void>;
  lock(key: string, ttlMs: number): Promise<ReleaseLock | undefined | null>;
  readonly locks: boolean;
  /** Whether the store keeps fleet-wide cooldowns (`setCooldown`). */
  readonly shares: boolean;
  /** A fleet-wide cooldown another instance recorded; undefined when none or unusable. */
  getCooldown(key: string): Promise<SharedCooldown | undefined>;
  setCooldown(key: string, value: SharedCooldown, ttlMs: number | null): Promise<void>;
  clearCooldown(key: string): Promise<void>;
}

export function createStoreGateway(store: TokenStore, options: StoreGatewayOptions): StoreGateway {
  const { clock } = options;
  /** Failed calls so far, while no call ever answered; -1 once one has (or once reported). */
  let failedFromStart = 0;

  /** Runs a store call with a deadline; `fallback` on throw, rejection or timeout. */
  function bounded<T>(
    operation: StoreOperation,
    call: () => Promise<T> | T,
    fallback: T,
    late?: (value: T) => void,
  ): Promise<T> {
    return new Promise<T>((resolve) => {
      let settled = false;
      const finish = (value: T, failure?: "timeout" | "error") => {
        if (settled) return;
        settled = true;
        cancel();
        if (failure) {
          options.onFailure(operation, failure);
          if (failedFromStart >= 0 && ++failedFromStart >= UNUSABLE_AFTER) {
            options.onUnusable?.(failedFromStart);
            failedFromStart = -1;
          }
        } else failedFromStart = -1;
        resolve(value);
      };
      const cancel = startDeadline(options.timeoutMs, () => finish(fallback, "timeout"));
      let pending: Promise<T> | T;
      try {
        pending = call();
      } catch {
        return finish(fallback, "error");
      }
      Promise.resolve(pending).then(
        (value) => (settled ? late?.(value) : finish(value)),
        () => finish(fallback, "error"),
      );
    });
  }

  const gateway: StoreGateway = {
    locks: typeof store.lock === "function",
    shares: typeof store.setCooldown === "function",
    async get(key) {
      const value = await bounded<unknown>("get", () => store.get(key), undefined);
      if (value === undefined || value === null) return undefined;
      const checked = validateStoredToken(value, clock(), options.maxLifetimeMs);
      if (typeof checked !== "string") return checked;
      options.onRejected(checked);
      const accessToken = (value as { accessToken?: unknown }).accessToken;
      await gateway.delete(key, typeof accessToken === "string" ? accessToken : undefined);
      return undefined;
    },
    set: (key, value, ttlMs) => bounded("set", () => store.set(key, value, ttlMs), undefined),
    delete: (key, ifAccessToken) =>
      bounded("delete", () => store.delete(key, ifAccessToken), undefined),
    async lock(key, ttlMs) {
      if (!store.lock) return null;
      const release = await bounded<ReleaseLock | undefined | null>(
        "lock",
        () => store.lock!(key, ttlMs),
        null,
        // A lock granted after we stopped waiting is released at once, not left to its TTL.
        (lateRelease) => void (typeof lateRelease === "function" ? lateRelease() : undefined),
      );
      if (release === undefined || release === null) return release;
      if (typeof release !== "function") return null;
      return () => bounded("release", () => release(), undefined);
    },
    async getCooldown(key) {
      if (!store.getCooldown) return undefined;
      const value = await bounded<unknown>("cooldown", () => store.getCooldown!(key), undefined);
      return isSharedCooldown(value) ? value : undefined;
    },
    setCooldown: (key, value, ttlMs) =>
      store.setCooldown
        ? bounded("cooldown", () => store.setCooldown!(key, value, ttlMs), undefined)
        : Promise.resolve(),
    clearCooldown: (key) =>
      store.clearCooldown
        ? bounded("cooldown", () => store.clearCooldown!(key), undefined)
        : Promise.resolve(),
  };
  return gateway;
}

function isSharedCooldown(value: unknown): value is SharedCooldown {
  if (typeof value !== "object" || value === null) return false;
  const { kind, until, code, status, fingerprint } = value as Record<string, unknown>;
  return (
    (kind === "credentials" || kind === "rate_limited") &&
    (until === null || (typeof until === "number" && Number.isFinite(until))) &&
    typeof code === "string" &&
    (status === undefined || typeof status === "number") &&
    (fingerprint === undefined || typeof fingerprint === "string")
  );
}

/**
 * Checks a value read from a store: a shared store is outside this process's control, so nothing
 * in it is trusted. Returns a clean copy, or the reason it is unusable.
 */
export function validateStoredToken(
  value: unknown,
  now: number,
  maxLifetimeMs: number,
): StoredToken | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const entry = value as Record<string, unknown>;
  const { accessToken, tokenType, expiresAt, obtainedAt, refreshToken, scope, raw } = entry;
  if (!isUsableAccessToken(accessToken)) return "accessToken is not a header-safe string";
  if (!isUsableTokenType(tokenType)) return "tokenType is not a usable token type";
  if (typeof expiresAt !== "number" || !Number.isFinite(expiresAt))
    return "expiresAt is not a finite number";
  if (typeof obtainedAt !== "number" || !Number.isFinite(obtainedAt) || obtainedAt > expiresAt)
    return "obtainedAt is not a finite number before expiresAt";
  if (expiresAt - obtainedAt > maxLifetimeMs || expiresAt - now > maxLifetimeMs)
    return "expiresAt is beyond the maximum lifetime";
  if (refreshToken !== undefined && (typeof refreshToken !== "string" || !refreshToken))
    return "refreshToken is not a string";
  if (scope !== undefined && typeof scope !== "string") return "scope is not a string";
  if (raw !== undefined && (typeof raw !== "object" || raw === null)) return "raw is not an object";
  return { accessToken, tokenType, expiresAt, obtainedAt, refreshToken, scope, raw: raw ?? {} };
}
