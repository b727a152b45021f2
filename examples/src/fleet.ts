/**
 * Fleet example: every process of a service (pods, workers, serverless instances) shares one
 * EnKash token through Redis, so the fleet makes one token request per lifetime — and, with a wrong
 * password, one failed login in all, never the three that lock the account.
 *
 * Each process creates its client once, at startup, with the same Redis store options. Tokens are
 * encrypted in Redis with a key derived from the client secret; key names are hashes. If Redis is
 * down, slow or flushed, tokens keep coming straight from EnKash and sharing resumes on its own.
 */
import { createAuth } from "@auth/enkash";
import { createRedisStore } from "@auth/redis";
import { createClient } from "redis";

export interface FleetProcessOptions {
  readonly redisUrl: string;
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  /** Namespaces the keys of this service in a shared Redis. */
  readonly prefix?: string;
}

/** What one process of the fleet does at startup. */
export async function startFleetProcess(options: FleetProcessOptions) {
  // You own the connection: TLS, auth and reconnects are configured here, not by @auth/redis.
  // `disableOfflineQueue`: while Redis is unreachable a command fails at once (the store then gets
  // tokens straight from EnKash) instead of waiting in a queue to run late.
  const redis = createClient({ url: options.redisUrl, disableOfflineQueue: true });
  redis.on("error", () => undefined); // reconnects are automatic; the token store carries on without Redis
  // Wait for Redis briefly, never forever: with Redis down, connect() waits until it comes back,
  // and a pod restarted during a Redis outage must still serve. The store shares once it is up.
  await connectWithin(redis, 2_000);
  const { redisUrl: _redisUrl, prefix, ...credentials } = options;
  const auth = createAuth({
    ...credentials,
    store: createRedisStore({ client: redis, ...(prefix ? { prefix } : {}) }),
  });
  return {
    auth,
    async stop() {
      await auth.close();
      redis.destroy();
    },
  };
}

/** Resolves when `redis` is connected or `ms` have passed, whichever is first; it keeps connecting. */
export async function connectWithin(redis: { connect(): Promise<unknown> }, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    redis.connect().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}
