import {
  createTokenManager,
  type StoredToken,
  type TokenExchange,
  type TokenStore,
} from "@auth/core";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { createRedisStore, type RedisClient } from "../src/index.js";
import {
  clientKinds,
  connect,
  deleteByPrefix,
  ownRedis,
  sharedRedisUrl,
  uniquePrefix,
} from "./support.js";

const binding = {
  cacheKey:
    "https://auth.example.test/oauth/token|password||clientId=client-42&username=%2B919999999999",
  storeKey: "v2.not-used-by-redis",
  secret: JSON.stringify(["client-secret-value", "pa55word-value"]),
  provider: "enkash",
  maxLifetimeMs: 86_400_000,
};
const now = Date.now();
const token = (accessToken: string, expiresAt = now + 3_600_000): StoredToken => ({
  accessToken,
  tokenType: "Bearer",
  expiresAt,
  obtainedAt: now,
  refreshToken: `refresh-of-${accessToken}`,
  raw: { access_token: accessToken },
});

describe.each(clientKinds)("Redis store with a %s client", (kind) => {
  let client: RedisClient;
  let close: () => Promise<void>;
  const prefixes: string[] = [];
  const storeFor = (
    overrides: Partial<Parameters<typeof createRedisStore>[0]> = {},
    bind = binding,
  ) => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    return createRedisStore({ client, prefix, ...overrides }).bind!(bind);
  };
  beforeAll(async () => ({ client, close } = await connect(kind)));
  afterAll(() => close());
  afterEach(async () => {
    await Promise.all(prefixes.splice(0).map(deleteByPrefix));
  });

  it("is only usable through a token manager, and needs a secret or an encryption key", async () => {
    const store = createRedisStore({ client });
    await expect(store.get("k")).rejects.toThrow(/createAuth\(\{ store \}\)/);
    expect(() => store.bind!({ ...binding, secret: "[]" })).toThrow(/encryptionKey/);
    expect(() => createRedisStore({ client: {} as RedisClient })).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringMatching(
          /node-redis client \(createClient, createCluster or createSentinel.* or an ioredis client/,
        ),
      }),
    );
    expect(() => createRedisStore({ client, lockTtlMs: 0 })).toThrow(/lockTtlMs/);
  });

  it("round-trips a token, and never lets an older one overwrite a newer one", async () => {
    const store = storeFor();
    expect(await store.get("ignored")).toBeUndefined();
    await store.set("ignored", token("newer", now + 3_600_000), 3_600_000);
    // A slow, stale holder finishing late:
    await store.set("ignored", token("older", now + 1_800_000), 1_800_000);
    expect((await store.get("ignored"))?.accessToken).toBe("newer");
    await store.set("ignored", token("newest", now + 7_200_000), 7_200_000);
    expect(await store.get("ignored")).toEqual(token("newest", now + 7_200_000));
  });

  it("deletes only the token it was told about (compare-and-delete)", async () => {
    const store = storeFor();
    await store.set("k", token("current"), 60_000);
    await store.delete("k", "some-older-token");
    expect((await store.get("k"))?.accessToken).toBe("current");
    await store.delete("k", "current");
    expect(await store.get("k")).toBeUndefined();
    await store.set("k", token("again"), 60_000);
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
  });

  it("gives the lock to one owner; only that owner releases it; a live owner keeps it past its TTL", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    // Renewed every ~670 ms against a 2 s TTL: slack for a busy machine's timers.
    const a = createRedisStore({ client, prefix, lockTtlMs: 2_000 }).bind!(binding);
    const b = createRedisStore({ client, prefix, lockTtlMs: 2_000 }).bind!(binding);
    const release = await a.lock!("k", 10_000);
    expect(release).toBeTypeOf("function");
    expect(await b.lock!("k", 10_000)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // 2.5 TTLs: renewed meanwhile
    expect(await b.lock!("k", 10_000)).toBeUndefined();
    await release!();
    const second = await b.lock!("k", 10_000);
    expect(second).toBeTypeOf("function");
    await release!(); // a's release again: not the owner any more, must not free b's lock
    expect(await a.lock!("k", 10_000)).toBeUndefined();
    await second!();
  });

  it("lets the lock of an owner that stopped renewing expire", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const a = createRedisStore({ client, prefix, lockTtlMs: 200 }).bind!(binding);
    const b = createRedisStore({ client, prefix, lockTtlMs: 200 }).bind!(binding);
    // Asked for 1 ms: a stops renewing at once, like a holder that died.
    expect(await a.lock!("k", 1)).toBeTypeOf("function");
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await b.lock!("k", 10_000)).toBeTypeOf("function");
  });

  it("never trusts a record whose clear fields were edited, and never lets one be pinned", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = createRedisStore({ client, prefix }).bind!(binding);
    const admin = createClient({ url: sharedRedisUrl() });
    await admin.connect();
    try {
      await store.set("k", token("real"), 60_000);
      const [name] = await admin.keys(`${prefix}*:token`);
      // Someone with write access pushes the compared expiry far out and removes the TTL, so no
      // newer token could ever be written.
      await admin.hSet(name!, "e", String(now + 10 * 365 * 86_400_000));
      await admin.persist(name!);
      // The sealed expiry no longer matches: the record is deleted, not served.
      expect(await store.get("k")).toBeUndefined();
      expect(await admin.exists(name!)).toBe(0);
      // Pinned again, without a read first: the next write still lands.
      await store.set("k", token("second"), 60_000);
      await admin.hSet(name!, "e", String(now + 10 * 365 * 86_400_000));
      await admin.persist(name!);
      await store.set("k", token("third", now + 1_800_000), 1_800_000);
      expect((await store.get("k"))?.accessToken).toBe("third");
      // A TTL asked beyond the longest lifetime is capped to it.
      await store.set("k", token("long", now + 7_200_000), 30 * 86_400_000);
      expect(await admin.pTTL(name!)).toBeLessThanOrEqual(86_400_000);
      expect(await admin.pTTL(name!)).toBeGreaterThan(0);
    } finally {
      await admin.close();
    }
  });

  it("keeps a rotated refresh token for its stated lifetime, so a restart renews with it (seeded refresh)", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    // A bank that rotates refresh tokens: each works once.
    let live = "rt-consent";
    let issued = 0;
    const presented: string[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk));
      request.on("end", () => {
        const presentedToken = new URLSearchParams(body).get("refresh_token") ?? "";
        presented.push(presentedToken);
        response.writeHead(presentedToken === live ? 200 : 400, {
          "content-type": "application/json",
        });
        if (presentedToken !== live) return response.end('{"error":"invalid_grant"}');
        live = `rt-${++issued}`;
        response.end(
          JSON.stringify({ access_token: `at-${issued}`, refresh_token: live, expires_in: 600 }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const admin = createClient({ url: sharedRedisUrl() });
    await admin.connect();
    try {
      const time = { now: Date.now() };
      const options = {
        exchange: {
          provider: "bank",
          tokenPath: "/token",
          credentials: [
            { name: "refreshToken", in: "body", field: "refresh_token", required: true },
          ],
          grant: "refresh_token",
          refreshGrant: "refresh_token",
          response: { accessToken: "access_token", refreshToken: "refresh_token" },
          expiry: {
            field: "expires_in",
            kind: "relative-seconds",
            refreshLifetimeSeconds: 90 * 86_400,
          },
        } satisfies TokenExchange,
        credentials: { refreshToken: "rt-consent" },
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        store: createRedisStore({ client, prefix }),
        clock: () => time.now,
      };
      const first = createTokenManager(options);
      expect((await first.getToken()).accessToken).toBe("at-1");
      await first.close();
      const [name] = await admin.keys(`${prefix}*:token`);
      // Past the 24 h cap of an access token: the refresh token's 90 days.
      expect(await admin.pTTL(name!)).toBeGreaterThan(89 * 86_400_000);
      time.now += 3 * 3_600_000;
      const restarted = createTokenManager(options);
      expect((await restarted.getToken()).accessToken).toBe("at-2");
      await restarted.close();
      expect(presented).toEqual(["rt-consent", "rt-1"]);
    } finally {
      await admin.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("names keys and digests tokens with HMACs: another secret, another key; nothing a reader can confirm", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const admin = createClient({ url: sharedRedisUrl() });
    await admin.connect();
    try {
      const a = createRedisStore({ client, prefix }).bind!(binding);
      const b = createRedisStore({ client, prefix }).bind!({
        ...binding,
        secret: JSON.stringify(["client-secret-value", "other-password"]),
      });
      await a.set("k", token("token-a"), 60_000);
      await b.set("k", token("token-b"), 60_000);
      const names = (await admin.keys(`${prefix}*`)).sort();
      expect(names).toHaveLength(2); // two records: b neither read nor overwrote a's
      const sha = (text: string) => createHash("sha256").update(text).digest("hex");
      for (const name of names) {
        expect(name).not.toContain(sha(binding.cacheKey).slice(0, 32));
        const h = await admin.hGet(name, "h");
        expect([sha("token-a"), sha("token-b")]).not.toContain(h);
      }
      expect((await a.get("k"))?.accessToken).toBe("token-a");
      expect((await b.get("k"))?.accessToken).toBe("token-b");
      await b.delete("k");
      expect((await a.get("k"))?.accessToken).toBe("token-a");
    } finally {
      await admin.close();
    }
  });

  it("gives a lockout (until cleared) a TTL no longer than the longest lifetime", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = createRedisStore({ client, prefix }).bind!({ ...binding, maxLifetimeMs: 60_000 });
    await store.setCooldown!(
      "k",
      { kind: "credentials", until: null, code: "invalid_credentials", status: 400 },
      null,
    );
    const admin = createClient({ url: sharedRedisUrl() });
    await admin.connect();
    try {
      const [name] = await admin.keys(`${prefix}*:cooldown`);
      const ttl = await admin.pTTL(name!);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    } finally {
      await admin.close();
    }
  });

  it("keeps a shared cooldown, with or without a TTL", async () => {
    const store = storeFor();
    const cooldown = {
      kind: "credentials",
      until: null,
      code: "invalid_credentials",
      status: 400,
      fingerprint: "f",
    } as const;
    await store.setCooldown!("k", cooldown, null);
    expect(await store.getCooldown!("k")).toEqual(cooldown);
    await store.clearCooldown!("k");
    expect(await store.getCooldown!("k")).toBeUndefined();
    await store.setCooldown!("k", { ...cooldown, kind: "rate_limited", until: now + 50 }, 50);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await store.getCooldown!("k")).toBeUndefined();
  });

  it("cannot read what was written under another secret (nor a value moved to another key)", async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const writer = createRedisStore({ client, prefix }).bind!(binding);
    const otherSecret = createRedisStore({ client, prefix }).bind!({
      ...binding,
      secret: JSON.stringify(["rotated"]),
    });
    await writer.set("k", token("secret-token"), 60_000);
    expect(await otherSecret.get("k")).toBeUndefined();
    const givenKey = createRedisStore({
      client,
      prefix: uniquePrefix(),
      encryptionKey: "an explicit key",
    });
    prefixes.push(prefix);
    const explicit = givenKey.bind!({ ...binding, secret: "[]" });
    await explicit.set("k", token("explicit"), 60_000);
    expect((await explicit.get("k"))?.accessToken).toBe("explicit");
  });
});

describe("nothing readable at rest or on the wire", () => {
  it("shows no client id, user name, phone number, secret or token in a dump or in MONITOR", async () => {
    const redis = await ownRedis();
    const { client, close } = await connect("redis", redis.port);
    const watcher = createClient({ url: `redis://127.0.0.1:${redis.port}` });
    watcher.on("error", () => undefined);
    await watcher.connect();
    const monitored: string[] = [];
    await watcher.monitor((line) => monitored.push(line));
    try {
      const store: TokenStore = createRedisStore({ client }).bind!(binding);
      await store.set("k", token("eyJhbGciOi.usable-token-value.sig"), 60_000);
      const release = await store.lock!("k", 1_000);
      await store.setCooldown!(
        "k",
        { kind: "rate_limited", until: now + 60_000, code: "rate_limited", status: 429 },
        60_000,
      );
      expect((await store.get("k"))?.accessToken).toBe("eyJhbGciOi.usable-token-value.sig");
      // MONITOR lines arrive asynchronously: wait for the read above to show up (a busy machine is slow).
      for (let i = 0; i < 500 && !monitored.some((line) => line.includes("HMGET")); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const dump = `${await redis.dump()}\n${monitored.join("\n")}`;
      expect(monitored.some((line) => line.includes("HMGET"))).toBe(true);
      expect(dump).toMatch(/^auth:\{[0-9a-f]{32}\}:token$/m);
      for (const forbidden of [
        "client-42",
        "9999999999",
        "client-secret-value",
        "pa55word-value",
        "usable-token-value",
        "refresh-of",
        "enkash",
        "example.test",
      ])
        expect(dump).not.toContain(forbidden);
      await release!();
    } finally {
      watcher.destroy();
      await close();
      await redis.kill();
    }
  });
});
