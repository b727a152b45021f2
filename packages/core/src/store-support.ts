import { bindStore, createSharedState } from "./shared-state.js";
import type { TokenStore } from "./store.js";
import { createStoreGateway } from "./store-gateway.js";
import { STORE_SUPPORT, type StoreSupportFactory } from "./store-local.js";

/** The store gateway and the fleet-wide shared state, for one manager and one store. */
export const createStoreSupport: StoreSupportFactory = (store, options) => {
  const { cacheKey: key } = options;
  const gateway = createStoreGateway(
    bindStore(store, { cacheKey: key, secret: options.secretMaterial, provider: options.provider }),
    options,
  );
  const shared = createSharedState({ ...options, store: gateway, key });
  return {
    get: () => gateway.get(key),
    set: (value, ttlMs) => gateway.set(key, value, ttlMs),
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
