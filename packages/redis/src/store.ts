import {
  type ReleaseLock,
  type SharedCooldown,
  sharedStore,
  type StoreBinding,
  type StoredToken,
  type TokenStore,
} from "@auth/core";
import { createBreaker } from "./breaker.js";
import { commandSender, type RedisClient } from "./client.js";
import { deriveKey, open, seal, sha256Hex } from "./crypto.js";
import { DELETE_IF, RELEASE, RENEW, SET_IF_NEWER } from "./scripts.js";

export interface RedisStoreOptions {
  /**
   * A connected node-redis (`redis` 5 or 6) or ioredis client. You own the connection: its TLS,
   * auth, reconnect policy and lifetime.
   */
  readonly client: RedisClient;
  /** Namespaces every key (default `"auth:"`). */
  readonly prefix?: string;
  /**
   * Key material for encryption at rest. Default: the manager's secret credentials (HKDF), so only
   * holders of the client secret can read a token. Required for providers without a secret.
   */
  readonly encryptionKey?: string;
  /** Bound on one Redis command (default 500 ms). */
  readonly commandTimeoutMs?: number;
  /**
   * The lock's time to live (default 5 s). A live holder renews it every third of that; a holder
   * that died is replaced within it.
   */
  readonly lockTtlMs?: number;
  /** Injected clock (epoch ms) for tests. */
  readonly clock?: () => number;
}

const noop = () => undefined;

/**
 * A `TokenStore` on Redis (≥ 6, or Valkey) that makes a fleet behave like one well-behaved client:
 * one token request per lifetime, one login attempt after a credentials failure, one shared
 * Retry-After. Tokens are AES-256-GCM encrypted; key names are hashes with a cluster hash tag.
 *
 * @example
 * import { createClient } from "redis";
 * import { createRedisStore } from "@auth/redis";
 * import { createAuth } from "@auth/enkash";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const auth = createAuth({ ...credentials, store: createRedisStore({ client }) });
 */
export function createRedisStore(options: RedisStoreOptions): TokenStore {
  const send = commandSender(options.client);
  const prefix = options.prefix ?? "auth:";
  const clock = options.clock ?? Date.now;
  const lockTtlMs = positive("lockTtlMs", options.lockTtlMs, 5_000);
  const breaker = createBreaker({
    commandTimeoutMs: positive("commandTimeoutMs", options.commandTimeoutMs, 500),
    openMs: 1_000,
    maxOpenMs: 30_000,
    clock,
  });
  const command = (args: (string | number)[]) => breaker.run(() => send(args.map(String)));
  const unbound = () =>
    Promise.reject(
      new Error("a Redis store is used through a token manager: pass it as createAuth({ store })"),
    );

  // sharedStore: the store brings core's bounded, validating store code with it.
  return sharedStore({
    get: unbound,
    set: unbound,
    delete: unbound,
    bind(binding: StoreBinding): TokenStore {
      const material = options.encryptionKey ?? binding.secret;
      if (!material || material === "[]")
        throw new Error(
          `createRedisStore: ${binding.provider} has no secret credential to derive an encryption key from; pass createRedisStore({ encryptionKey })`,
        );
      // Key names carry no client id, user name or secret: a digest of the cache key, in a hash
      // tag so every key of one token lands in one Redis Cluster slot.
      const names = sha256Hex(binding.cacheKey).then((digest) => {
        const base = `${prefix}{${digest.slice(0, 32)}}`;
        return {
          token: `${base}:token`,
          lock: `${base}:lock`,
          cooldown: `${base}:cooldown`,
          digest,
        };
      });
      const key = names.then(({ digest }) => deriveKey(material, `token-store v1 ${digest}`));
      return bound(names, key);
    },
  });

  function bound(
    names: Promise<{ token: string; lock: string; cooldown: string }>,
    key: Promise<CryptoKey>,
  ): TokenStore {
    return {
      async get() {
        const { token } = await names;
        const [sealed] = ((await command(["HMGET", token, "v"])) as unknown[] | null) ?? [];
        const plain = await open(await key, sealed, token);
        return plain === undefined ? undefined : (JSON.parse(plain) as StoredToken);
      },
      async set(_key, value, ttlMs) {
        const { token } = await names;
        const sealed = await seal(await key, JSON.stringify(value), token);
        const digest = await sha256Hex(value.accessToken);
        await command([
          "EVAL",
          SET_IF_NEWER,
          1,
          token,
          sealed,
          Math.floor(value.expiresAt),
          digest,
          Math.max(1, Math.ceil(ttlMs)),
        ]);
      },
      async delete(_key, ifAccessToken) {
        const { token } = await names;
        const digest = ifAccessToken === undefined ? "" : await sha256Hex(ifAccessToken);
        await command(["EVAL", DELETE_IF, 1, token, digest]);
      },
      async lock(_key, ttlMs): Promise<ReleaseLock | undefined> {
        const { lock } = await names;
        const owner = crypto.randomUUID();
        const granted = await command(["SET", lock, owner, "NX", "PX", lockTtlMs]);
        if (granted !== "OK") return undefined;
        // Renew while we hold it, for at most what the manager asked for.
        const until = clock() + ttlMs;
        const renewal = setInterval(
          () => {
            if (clock() > until) return clearInterval(renewal);
            command(["EVAL", RENEW, 1, lock, owner, lockTtlMs]).catch(noop);
          },
          Math.max(50, Math.floor(lockTtlMs / 3)),
        );
        (renewal as { unref?: () => void }).unref?.();
        return async () => {
          clearInterval(renewal);
          await command(["EVAL", RELEASE, 1, lock, owner]);
        };
      },
      async getCooldown() {
        const { cooldown } = await names;
        const plain = await open(await key, await command(["GET", cooldown]), cooldown);
        return plain === undefined ? undefined : (JSON.parse(plain) as SharedCooldown);
      },
      async setCooldown(_key, value, ttlMs) {
        const { cooldown } = await names;
        const sealed = await seal(await key, JSON.stringify(value), cooldown);
        await command(
          ttlMs === null
            ? ["SET", cooldown, sealed]
            : ["SET", cooldown, sealed, "PX", Math.max(1, Math.ceil(ttlMs))],
        );
      },
      async clearCooldown() {
        const { cooldown } = await names;
        await command(["DEL", cooldown]);
      },
    };
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value))
    throw new TypeError(
      `createRedisStore: ${name} must be a finite number > 0; got ${String(value)}`,
    );
  return value;
}
