import {
  createTokenManager,
  onTokenEvent,
  type TokenEvent,
  type TokenManagerOptions,
} from "@auth/core";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { createRedisStore, type RedisClient } from "../src/index.js";
import {
  type ClientKind,
  clientKinds,
  connect,
  exchange,
  ownRedis,
  tokenServer,
} from "./support.js";

// Redis trouble never fails a call while the provider is up. Each test runs its own redis-server
// on a random loopback port, to kill, block, restart and flush it.

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setup(kind: ClientKind, behaviour?: Parameters<typeof tokenServer>[0]) {
  const redis = await ownRedis();
  cleanups.push(() => redis.kill());
  const provider = await tokenServer(behaviour);
  cleanups.push(provider.close);
  const { client, close } = await connect(kind, redis.port);
  cleanups.push(close);
  const events: TokenEvent[] = [];
  const manager = (
    overrides: Partial<TokenManagerOptions> = {},
    store: { client?: RedisClient; commandTimeoutMs?: number } = {},
  ) => {
    const auth = createTokenManager({
      exchange,
      credentials: { clientId: "c", clientSecret: "s3cret" },
      baseUrl: provider.url,
      store: createRedisStore({
        client: store.client ?? client,
        commandTimeoutMs: store.commandTimeoutMs ?? 200,
      }),
      ...overrides,
    });
    onTokenEvent(auth, (event) => events.push(event));
    return auth;
  };
  return { redis, provider, client, manager, events };
}

/**
 * Refreshes until a token is in Redis again. The breaker probes after its open period (1 s, then
 * doubling): poll generously (40 s).
 */
async function sharedAgain(
  redis: { keys(): Promise<string[]> },
  auth: { getToken(options: { forceRefresh: true }): Promise<unknown> },
): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    await auth.getToken({ forceRefresh: true }).catch(() => undefined);
    if ((await redis.keys()).some((key) => key.endsWith(":token"))) return true;
  }
  return false;
}

const failures = (events: TokenEvent[], reason: "timeout" | "error") =>
  events.filter((e) => e.type === "store_failed" && e.reason === reason).length;

describe.each(clientKinds)("Redis trouble with a %s client", (kind) => {
  it("keeps handing out tokens while Redis is down; a breaker makes the dead Redis cost no timeouts", async () => {
    const { redis, provider, manager, events } = await setup(kind);
    await redis.kill();
    const auth = manager();
    for (let i = 0; i < 20; i++) {
      const token = await auth.getToken({ forceRefresh: true });
      expect(token.accessToken).toMatch(/^token-/);
    }
    expect(provider.state.requests).toBe(20);
    // The first command waits out its timeout (or fails at once); after that the breaker answers
    // immediately: 20 refreshes × several store calls each, yet at most a couple of timeouts.
    expect(failures(events, "timeout")).toBeLessThanOrEqual(2);
    expect(failures(events, "error")).toBeGreaterThan(20);
    await auth.close();
  });

  it("keeps handing out tokens while Redis is blocked (DEBUG SLEEP)", async () => {
    const { redis, manager } = await setup(kind);
    const auth = manager();
    void redis.sleep(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 5; i++)
      expect((await auth.getToken({ forceRefresh: true })).accessToken).toMatch(/^token-/);
    await auth.close();
  });

  it("starts while Redis is down (the README's recipe): tokens from the provider, sharing once Redis is up", async () => {
    const { redis, provider, manager } = await setup(kind);
    await redis.kill();
    // The recipe: offline queue off, connect not awaited (it would wait for Redis forever).
    let late: RedisClient;
    let closeLate: () => void;
    if (kind === "redis") {
      const client = createClient({
        url: `redis://127.0.0.1:${redis.port}`,
        disableOfflineQueue: true,
        socket: { reconnectStrategy: () => 100 },
      });
      client.on("error", () => undefined);
      client.connect().catch(() => undefined);
      late = client;
      closeLate = () => void client.destroy();
    } else {
      const client = new Redis({
        host: "127.0.0.1",
        port: redis.port,
        enableOfflineQueue: false,
        retryStrategy: () => 100,
      });
      client.on("error", () => undefined);
      late = client;
      closeLate = () => client.disconnect();
    }
    cleanups.push(async () => closeLate());
    const first = manager({}, { client: late });
    const second = manager({}, { client: late });
    expect((await first.getToken()).accessToken).toMatch(/^token-/);
    expect((await second.getToken()).accessToken).toMatch(/^token-/);
    expect(provider.state.requests).toBe(2);
    await redis.start();
    // Sharing resumes once the client connects and the breaker probes again.
    expect(await sharedAgain(redis, first)).toBe(true);
    const before = provider.state.requests;
    const third = manager({}, { client: late });
    await third.getToken(); // adopts the shared token: no request
    expect(provider.state.requests).toBe(before);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it("says once that a store whose client never connected is unusable (store_unusable), and serves tokens", async () => {
    const { provider, manager, events } = await setup(kind);
    // The symptom of a forgotten connect(): every command fails, none ever answers.
    let idle: RedisClient;
    if (kind === "redis") idle = createClient({ url: "redis://127.0.0.1:1" });
    else {
      const io = new Redis({
        host: "127.0.0.1",
        port: 1,
        lazyConnect: true,
        enableOfflineQueue: false,
      });
      io.on("error", () => undefined);
      cleanups.push(async () => io.disconnect());
      idle = io;
    }
    const auth = manager({}, { client: idle });
    for (let i = 0; i < 3; i++)
      expect((await auth.getToken({ forceRefresh: true })).accessToken).toMatch(/^token-/);
    expect(provider.state.requests).toBe(3);
    expect(events.filter((e) => e.type === "store_unusable")).toHaveLength(1);
    await auth.close();
  });

  it("resumes sharing after Redis restarts, and after a flush", async () => {
    const { redis, provider, manager } = await setup(kind);
    const first = manager();
    await first.getToken();
    expect(await redis.keys()).toHaveLength(1);
    await redis.kill();
    expect((await first.getToken({ forceRefresh: true })).accessToken).toMatch(/^token-/);
    await redis.start();
    expect(await sharedAgain(redis, first)).toBe(true);
    const before = provider.state.requests;
    const second = manager(); // another instance adopts the shared token: no request
    await second.getToken();
    expect(provider.state.requests).toBe(before);

    await redis.flush();
    const third = manager();
    await third.getToken();
    expect(provider.state.requests).toBe(before + 1);
    expect((await redis.keys()).some((key) => key.endsWith(":token"))).toBe(true);
    await Promise.all([first.close(), second.close(), third.close()]);
  });

  it("with Redis down and wrong credentials, each instance sends one login and never retries it (the documented limit)", async () => {
    const { redis, provider, manager } = await setup(kind, (state, response) => {
      state.failedLogins += 1;
      response.writeHead(401, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: "invalid_client" }));
      return true;
    });
    await redis.kill();
    // Three instances (processes in production) of a provider that locks after three failures.
    let offset = 0;
    const instances = [1, 2, 3].map(() =>
      manager({
        exchange: { ...exchange, lockoutAfter: 3 },
        credentials: { clientId: "c", clientSecret: "wrong" },
        clock: () => Date.now() + offset,
      }),
    );
    // Rounds 10 minutes apart: past the 60 s an ordinary provider's failure is remembered for.
    for (let round = 0; round < 5; round++, offset += 600_000)
      for (const auth of instances)
        await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    // Nothing could be shared, so one login each; every later call is answered from memory.
    expect(provider.state.failedLogins).toBe(3);
    await Promise.all(instances.map((auth) => auth.close()));
  });

  it("does not take a reply that arrived while the process was busy for a timeout", async () => {
    const { provider, client, manager, events } = await setup(kind);
    const instance = (redisClient: RedisClient) =>
      manager({ storeTimeoutMs: 100 }, { client: redisClient, commandTimeoutMs: 50 });
    const first = instance(client);
    await first.getToken(); // a token in Redis for the next instance to adopt
    expect(provider.state.requests).toBe(1);
    // After each command is sent, the process is busy for a second (a CPU-starved container, a
    // long synchronous handler): Redis answers meanwhile, and both timers (50 ms for the command,
    // 100 ms for the store call) have expired by the time the reply could be read.
    const busy = () => {
      const until = Date.now() + 1_000;
      while (Date.now() < until);
    };
    const starved = new Proxy(client, {
      get(target, name) {
        const value: unknown = Reflect.get(target, name, target);
        if ((name !== "call" && name !== "sendCommand") || typeof value !== "function")
          return typeof value === "function" ? value.bind(target) : value;
        return (...args: unknown[]) => {
          const sent = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          setImmediate(busy);
          return sent;
        };
      },
    });
    events.length = 0;
    const second = instance(starved);
    const adopted = await second.getToken();
    expect(events.filter((e) => e.type === "store_failed")).toEqual([]);
    expect(adopted.accessToken).toBe((await first.getToken()).accessToken);
    expect(provider.state.requests).toBe(1);
    await Promise.all([first.close(), second.close()]);
  });

  it("serves warm calls from memory: Redis sees no command per call", async () => {
    const { redis, manager } = await setup(kind);
    const auth = manager();
    await auth.getToken();
    const before = await redis.storeCommands();
    expect(before).toBeGreaterThan(0); // the cold call did use Redis
    for (let i = 0; i < 1_000; i++) await auth.getToken();
    expect((await redis.storeCommands()) - before).toBe(0);
    await auth.close();
  });
});
