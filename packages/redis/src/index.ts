export { createRedisStore, type RedisStoreOptions } from "./store.js";
export type {
  IoRedisClient,
  NodeRedisClient,
  NodeRedisCluster,
  NodeRedisSentinel,
  RedisClient,
} from "./client.js";
export { RedisUnavailableError } from "./breaker.js";
