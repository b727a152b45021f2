/**
 * The contract between a token manager and a `TokenStore`: what a store author implements.
 */
import type { AuthErrorCode } from "./errors.js";
import type { StoredToken } from "./token.js";

/** Releases a lock taken with `TokenStore.lock`. */
export type ReleaseLock = () => Promise<void>;

/** What a manager tells a store about itself, once, when it is created. */
export interface StoreBinding {
  /** The manager's cache key: token URL, grant, scope, a digest of the non-secret identity. */
  readonly cacheKey: string;
  /**
   * The key the manager passes to every call: an HMAC of `cacheKey` under the secret credentials.
   * A store that names entries itself must bind them to the secret at least as strongly.
   */
  readonly storeKey: string;
  /**
   * Longest a record may live: `timing.maxLifetimeMs`, or the refresh token's lifetime when the
   * spec states a longer one (the record then keeps the newest refresh token past its access
   * token). No record should outlive it.
   */
  readonly maxLifetimeMs: number;
  /**
   * The manager's secret credentials, joined: key material for a store that encrypts what it keeps
   * (for example HKDF → AES-GCM). A store must never write it anywhere.
   */
  readonly secret: string;
  readonly provider: string;
}

/**
 * What the provider said that every instance sharing a store must respect: a credentials failure
 * (so a fleet sends a failing login once) or a Retry-After.
 */
export interface SharedCooldown {
  readonly kind: "credentials" | "rate_limited";
  /** Epoch ms until which no request may be sent; `null`: until cleared. */
  readonly until: number | null;
  readonly code: AuthErrorCode;
  readonly status?: number | undefined;
  /**
   * For `credentials`: a digest of the secrets that failed. Instances with other secrets (a fixed
   * password) are not blocked. A store must keep it confidential (the Redis store encrypts it).
   */
  readonly fingerprint?: string | undefined;
}

/**
 * Where tokens are kept. Without one, a manager keeps its token in its own memory; a shared store
 * (for example Redis) lets a fleet share one token and, with `lock`, one refresh. Keys are HMACs
 * bound to the manager's secret credentials: they contain no secret, no client id, and differ for
 * managers with other secrets. Your own implementation is passed as `store: sharedStore(yourStore)`.
 */
export interface TokenStore {
  /** The token stored under `key`, or undefined when there is none (or it has expired). */
  get(key: string): Promise<StoredToken | undefined>;
  /** `ttlMs` is when the token becomes useless; a store may drop it after that. */
  set(key: string, value: StoredToken, ttlMs: number): Promise<void>;
  /** Deletes the entry; when `ifAccessToken` is given, only if it still holds that token. */
  delete(key: string, ifAccessToken?: string): Promise<void>;
  /**
   * Optional cross-process lock so only one instance refreshes. Resolves with a release function,
   * or undefined when another holder has it.
   */
  lock?(key: string, ttlMs: number): Promise<ReleaseLock | undefined>;
  /**
   * Optional: returns the store a manager should use, bound to that manager (a shared store derives
   * its encryption key and key names here). Called once per manager, synchronously.
   */
  bind?(binding: StoreBinding): TokenStore;
  /** Optional fleet-wide memory of a provider's refusal; see `SharedCooldown`. */
  getCooldown?(key: string): Promise<SharedCooldown | undefined>;
  /** Remembers a refusal for `ttlMs` (null: until cleared, for a lockout that needs a person). */
  setCooldown?(key: string, value: SharedCooldown, ttlMs: number | null): Promise<void>;
  /** Forgets the refusal: the next request may contact the provider. */
  clearCooldown?(key: string): Promise<void>;
}
