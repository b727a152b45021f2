// One process of a benchmarked fleet: a token manager whose store is Redis (shared) or memory
// (per process). Driven by the bench over IPC.
import { createTokenManager } from "@auth/core";
import { createRedisStore } from "@auth/redis";
import { createClient, createCluster } from "redis";

const env = process.env;
let offset = 0;
let redis;
if (env.STORE === "redis-cluster") {
  redis = createCluster({
    rootNodes: env.CLUSTER_PORTS.split(",").map((port) => ({ url: `redis://127.0.0.1:${port}` })),
  });
  redis.on("error", () => undefined);
  await redis.connect();
} else if (env.STORE === "redis") {
  redis = createClient({ url: env.REDIS_URL });
  redis.on("error", () => undefined);
  await redis.connect();
}
const auth = createTokenManager({
  exchange: JSON.parse(env.EXCHANGE),
  credentials: JSON.parse(env.CREDENTIALS),
  baseUrl: env.TOKEN_URL,
  clock: () => Date.now() + offset,
  ...(redis ? { store: createRedisStore({ client: redis, prefix: env.PREFIX }) } : {}),
});
process.on("message", async (message) => {
  if (message.cmd === "offset") offset = message.ms;
  if (message.cmd === "get")
    await Promise.all(Array.from({ length: message.callers }, () => auth.getToken()));
  if (message.cmd === "exit") {
    await auth.close();
    redis?.destroy();
    return process.exit(0);
  }
  process.send({ id: message.id });
});
process.send({ ready: true });
