import type { StoredToken } from "../contract/token.js";
import type { TokenStore } from "../contract/store.js";
import { createStoreSupport } from "./shared.js";
import { STORE_SUPPORT } from "./support.js";

/**
 * In-memory store, for sharing one token between managers in one process (tests, several clients
 * of one provider). A manager without a store keeps its token in its own memory and needs none.
 * Memory is bounded by live tokens: an entry is dropped once its `ttlMs` has passed, when read,
 * and by a sweep at most once a minute on writes, so a process that served 100,000 tenants over a
 * day holds only the tokens still alive.
 *
 * @example
 * import { MemoryTokenStore } from "@auth/core";
 * const store = new MemoryTokenStore();
 * const payments = createAuth({ clientId, clientSecret, store });
 * const refunds = createAuth({ clientId, clientSecret, store }); // shares payments' token
 */
export class MemoryTokenStore implements TokenStore {
  readonly #entries = new Map<string, { value: StoredToken; until: number }>();
  readonly #clock: () => number;
  #nextSweep = 0;
  /** Brings the code that bounds and validates store calls (see `sharedStore`). */
  readonly [STORE_SUPPORT] = createStoreSupport;

  constructor(options: { clock?: () => number } = {}) {
    this.#clock = options.clock ?? Date.now;
  }

  /** Entries held now, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** The token under `key`, or undefined when there is none or it has expired. */
  get(key: string): Promise<StoredToken | undefined> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.#clock() >= entry.until) {
      this.#entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve(entry?.value);
  }

  set(key: string, value: StoredToken, ttlMs = Infinity): Promise<void> {
    const now = this.#clock();
    if (now >= this.#nextSweep) {
      this.#nextSweep = now + 60_000;
      for (const [k, entry] of this.#entries) if (now >= entry.until) this.#entries.delete(k);
    }
    this.#entries.set(key, { value, until: now + Math.max(0, ttlMs) });
    return Promise.resolve();
  }

  delete(key: string, ifAccessToken?: string): Promise<void> {
    const entry = this.#entries.get(key);
    if (
      entry !== undefined &&
      (ifAccessToken === undefined || entry.value.accessToken === ifAccessToken)
    )
      this.#entries.delete(key);
    return Promise.resolve();
  }
}
