import { sharedStore, type StoredToken, type TokenStore } from "@auth/core";
import type { ReleaseLock, SharedCooldown, StoreBinding } from "@auth/core/provider";
import { createBreaker } from "./breaker.js";
import { commandSender, type RedisClient } from "./client.js";
import { createNamer, deriveKey, open, seal } from "./crypto.js";
import { DELETE_IF, DELETE_IF_SEALED, RELEASE, RENEW, SET_IF_NEWER } from "./scripts.js";

/** Options of `createRedisStore`. */
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
 * Retry-After. Tokens are AES-256-GCM encrypted; key names are HMACs under the secret
 * credentials, with a cluster hash tag.
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
      // Key names and token digests are HMACs under the secret credentials (and encryptionKey):
      // they carry no client id, user name or secret, cannot be linked to a client id without the
      // secret, and differ for a manager with another secret. The hash tag puts every key of one
      // token in one Redis Cluster slot.
      const namer = createNamer(JSON.stringify([binding.secret, options.encryptionKey ?? ""]));
      const names = namer.then(async (name) => {
        const digest = await name(`key ${binding.cacheKey}`);
        const base = `${prefix}{${digest.slice(0, 32)}}`;
        return {
          token: `${base}:token`,
          lock: `${base}:lock`,
          cooldown: `${base}:cooldown`,
          digest,
          tokenDigest: (accessToken: string) => name(`token ${accessToken}`),
        };
      });
      const key = names.then(({ digest }) => deriveKey(material, `token-store v2 ${digest}`));
      return bound(names, key, Math.max(1, Math.floor(binding.maxLifetimeMs)));
    },
  });

  function bound(
    names: Promise<{
      token: string;
      lock: string;
      cooldown: string;
      tokenDigest: (accessToken: string) => Promise<string>;
    }>,
    key: Promise<CryptoKey>,
    maxLifetimeMs: number,
  ): TokenStore {
    /** No record lives longer than the longest token: a forged or replayed one dies on its own. */
    const ttlOf = (ttlMs: number) => Math.max(1, Math.min(maxLifetimeMs, Math.ceil(ttlMs)));
    return {
      async get() {
        const { token, tokenDigest } = await names;
        const [sealed, expiry, digest] =
          ((await command(["HMGET", token, "v", "e", "h"])) as unknown[] | null) ?? [];
        const plain = await open(await key, sealed, token);
        if (plain === undefined) return undefined;
        const value = JSON.parse(plain) as StoredToken;
        // The expiry the script compares and the digest it deletes by are bound to the sealed
        // value: a record whose clear fields were edited is deleted, never trusted or kept.
        if (
          String(Math.floor(value.expiresAt)) !== String(expiry) ||
          (await tokenDigest(value.accessToken)) !== digest
        ) {
          await command(["EVAL", DELETE_IF_SEALED, 1, token, sealed as string]);
          return undefined;
        }
        return value;
      },
      async set(_key, value, ttlMs) {
        const { token, tokenDigest } = await names;
        const sealed = await seal(await key, JSON.stringify(value), token);
        await command([
          "EVAL",
          SET_IF_NEWER,
          1,
          token,
          sealed,
          Math.floor(value.expiresAt),
          await tokenDigest(value.accessToken),
          ttlOf(ttlMs),
          clock() + maxLifetimeMs,
        ]);
      },
      async delete(_key, ifAccessToken) {
        const { token, tokenDigest } = await names;
        const digest = ifAccessToken === undefined ? "" : await tokenDigest(ifAccessToken);
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
        // A lockout ("until cleared") lasts at most maxLifetimeMs in Redis: each process still
        // remembers it for its own life, and a replayed record cannot block a fleet forever.
        await command(["SET", cooldown, sealed, "PX", ttlOf(ttlMs ?? maxLifetimeMs)]);
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
