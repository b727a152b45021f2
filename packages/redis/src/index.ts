/**
 * `@auth/redis`: the Redis `TokenStore` that makes a fleet of processes share one token, one refresh and one failure memory per tenant.
 *
 * @module @auth/redis
 */
export { createRedisStore, type RedisStoreOptions } from "./store.js";
export type {
  IoRedisClient,
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
  RedisClient,
} from "./client.js";
export { RedisUnavailableError } from "./breaker.js";
