import { hmacSha256Hex } from "../secrets/digest.js";
import { bindStore, createSharedState } from "./shared-state.js";
import type { TokenStore } from "../contract/store.js";
import { createStoreGateway } from "./gateway.js";
import { STORE_SUPPORT, type StoreSupportFactory } from "./support.js";

/** Stores already warned about in this process. */
const warned = new WeakSet<object>();

/** The store gateway and the fleet-wide shared state, for one manager and one store. */
export const createStoreSupport: StoreSupportFactory = (store, options) => {
  const { cacheKey, secretMaterial, clock, refreshLifetimeMs } = options;
  // No record outlives the longest token, or the refresh token it holds when that lives longer.
  const maxRecordMs = Math.max(options.policies.timing.maxLifetimeMs, refreshLifetimeMs);
  // Every entry (token, lock, cooldown) is keyed by an HMAC of the cache key under the secret
  // credentials: a manager that knows the client id but not the secret never reads, waits on,
  // overwrites or clears another's entry, and the key reveals neither.
  const key = storeKeyOf(cacheKey, secretMaterial);
  const gateway = createStoreGateway(
    bindStore(store, {
      cacheKey,
      storeKey: key,
      secret: secretMaterial,
      provider: options.provider,
      maxLifetimeMs: maxRecordMs,
    }),
    {
      ...options,
      timeoutMs: options.policies.storeTimeoutMs,
      maxLifetimeMs: options.policies.timing.maxLifetimeMs,
      onUnusable(failures) {
        // Loud once per store and process (not per manager: a platform has thousands), and as
        // an event for whoever listens.
        if (!warned.has(store)) {
          warned.add(store);
          globalThis.console?.warn?.(
            `@auth/core: the first ${failures} calls to a shared token store (${options.provider}) all failed and none has answered: tokens are not shared between processes and failures are not remembered fleet-wide. Check the store's client (connected? a supported kind?). Managers report it as the store_unusable event.`,
          );
        }
        options.onUnusable(failures);
      },
    },
  );
  const shared = createSharedState({ ...options, store: gateway, key });
  return {
    get: () => gateway.get(key),
    set: (value, ttlMs) =>
      gateway.set(
        key,
        value,
        value.refreshToken
          ? Math.max(ttlMs, value.obtainedAt + refreshLifetimeMs - clock())
          : ttlMs,
      ),
    delete: (ifAccessToken) => gateway.delete(key, ifAccessToken),
    lock: (ttlMs) => gateway.lock(key, ttlMs),
    locks: gateway.locks,
    clearCooldown: () => gateway.clearCooldown(key),
    respect: shared.respect,
    record: shared.record,
  };
};

/**
 * Makes your own `TokenStore` usable as `createAuth({ store })`: it brings the code that bounds,
 * validates and shares through it. `MemoryTokenStore` and `@auth/redis`'s `createRedisStore()`
 * already are.
 *
 * @example
 * import { sharedStore } from "@auth/core";
 * const auth = createAuth({ ...credentials, store: sharedStore(myStore) });
 */
export function sharedStore<S extends TokenStore>(store: S): S {
  Object.defineProperty(store, STORE_SUPPORT, { value: createStoreSupport, configurable: true });
  return store;
}

/** The key a manager's shared entries live under: `v2.` and an HMAC of its cache key under its secrets. */
export function storeKeyOf(cacheKey: string, secretMaterial: string): string {
  return `v2.${hmacSha256Hex(`@auth/core store key\n${secretMaterial}`, cacheKey)}`;
}
