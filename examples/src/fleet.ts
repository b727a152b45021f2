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
  const redis = createClient({ url: options.redisUrl });
  redis.on("error", () => undefined); // reconnects are automatic; the token store carries on without Redis
  await redis.connect();
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
