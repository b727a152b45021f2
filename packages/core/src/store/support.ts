import type { Blocked, CooldownGate } from "../policy/cooldown.js";
import type { AuthError } from "../contract/errors.js";
import { optionsError, type Policies } from "../policy/options.js";
import type { ReleaseLock, TokenStore } from "../contract/store.js";
import type { StoreOperation } from "./gateway.js";
import type { StoredToken } from "../contract/token.js";

/**
 * Marks a `TokenStore` that brings the code to use it (bounded, validated calls; fleet-wide
 * cooldowns). A manager without a store never loads that code, so an application that does not
 * share tokens does not ship it.
 */
export const STORE_SUPPORT: unique symbol = Symbol.for("@auth/core.storeSupport") as never;

/** What a manager needs from wherever its tokens are kept. Never throws. */
export interface StoreSupport {
  get(): Promise<StoredToken | undefined>;
  set(value: StoredToken, ttlMs: number): Promise<void>;
  delete(ifAccessToken?: string): Promise<void>;
  lock(ttlMs: number): Promise<ReleaseLock | undefined | null>;
  /** Whether `lock` coordinates anything (another instance may hold it). */
  readonly locks: boolean;
  clearCooldown(): Promise<void>;
  /** Takes on what another instance recorded, and throws if it blocks a request now. */
  respect(): Promise<void>;
  /** Records a failure where every instance sharing the store will see it. */
  record(error: AuthError, delay: number): Promise<void>;
}

export interface StoreSupportOptions {
  readonly cacheKey: string;
  readonly secretMaterial: string;
  /**
   * How long a refresh token stays usable (the spec's `expiry.refreshLifetimeSeconds`; 0: not
   * stated). An entry holding one is kept that long, past its access token, so a restart or another
   * process renews with the newest refresh token rather than one the provider has rotated away.
   */
  readonly refreshLifetimeMs: number;
  readonly provider: string;
  readonly clock: () => number;
  /** Resolved policies: `storeTimeoutMs` bounds each call, `timing.maxLifetimeMs` each value. */
  readonly policies: Policies;
  readonly gate: CooldownGate;
  readonly credentialFailureTtlMs: number | null;
  readonly onFailure: (operation: StoreOperation, reason: "timeout" | "error") => void;
  readonly onRejected: (reason: string) => void;
  /** Every call so far failed (`failures` of them, none ever answered): once per manager. */
  readonly onUnusable: (failures: number) => void;
  readonly onBlocked: (blocked: Blocked) => AuthError;
}

export type StoreSupportFactory = (store: TokenStore, options: StoreSupportOptions) => StoreSupport;

/** No store: the manager's own memory is the only copy, and there is nobody to share with. */
export const LOCAL_STORE: StoreSupport = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
  lock: () => Promise.resolve(undefined),
  locks: false,
  clearCooldown: () => Promise.resolve(),
  respect: () => Promise.resolve(),
  record: () => Promise.resolve(),
};

/** How a manager uses `store`: its own support code, or a clear error naming what to do. */
export function supportOf(store: TokenStore): StoreSupportFactory {
  const factory = (store as { [STORE_SUPPORT]?: unknown })[STORE_SUPPORT];
  if (typeof factory !== "function")
    throw optionsError(
      "store must be a MemoryTokenStore, a createRedisStore() from @auth/redis, or your own TokenStore wrapped with sharedStore(store) from @auth/core",
    );
  return factory as StoreSupportFactory;
}
