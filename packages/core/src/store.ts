import type { StoredToken } from "./token.js";

/** Releases a lock taken with `TokenStore.lock`. */
export type ReleaseLock = () => Promise<void>;

/**
 * Where tokens are kept. The default keeps them in memory; a shared store (for example Redis)
 * lets a fleet share one token and, with `lock`, one refresh. Keys never contain a secret.
 */
export interface TokenStore {
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
}

/** In-memory store: the default, one per token manager. */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, StoredToken>();

  get(key: string): Promise<StoredToken | undefined> {
    return Promise.resolve(this.#entries.get(key));
  }

  set(key: string, value: StoredToken, _ttlMs?: number): Promise<void> {
    // Expired entries are never served (the manager checks expiry), so no TTL bookkeeping here.
    this.#entries.set(key, value);
    return Promise.resolve();
  }

  delete(key: string, ifAccessToken?: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && (ifAccessToken === undefined || entry.accessToken === ifAccessToken))
      this.#entries.delete(key);
    return Promise.resolve();
  }
}
