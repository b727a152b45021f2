import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTokenManager } from "@auth/core";
import { Cluster, Redis } from "ioredis";
import { createClient, createCluster } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore, type RedisClient } from "../src/index.js";
import {
  type ClientKind,
  clientKinds,
  exchange,
  freePort,
  ownCluster,
  tokenServer,
} from "./support.js";

// What managed Redis puts between the store and the server: a user restricted by ACL to the
// store's commands and key prefix, and TLS with a password. Each runs against a redis-server of
// the test's own on a random loopback port.

/** Every command the store sends, and every command its Lua scripts call (Redis checks both). */
const STORE_COMMANDS = ["hmget", "eval", "set", "get", "del", "hget", "hset", "pexpire", "pttl"];
const PREFIX = "svc-a:auth:";

/** A redis-server with the given extra arguments, ready when PING answers on `port`. */
async function startServer(args: string[], port: number, ping: () => Promise<unknown>) {
  const child: ChildProcess = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", ...args],
    { stdio: "ignore" },
  );
  for (let i = 0; ; i++) {
    try {
      await ping();
      break;
    } catch (error) {
      if (i > 200) throw new Error(`redis-server did not start on ${port}: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  return () => {
    child.kill("SIGKILL");
  };
}

/** Two managers (two processes in production) through the store: one request, one token. */
async function sharesThrough(clients: [RedisClient, RedisClient]) {
  const provider = await tokenServer();
  try {
    const managers = clients.map((client) =>
      createTokenManager({
        exchange,
        credentials: { clientId: "deploy-client", clientSecret: "deploy-secret" },
        baseUrl: provider.url,
        store: createRedisStore({ client, prefix: PREFIX, commandTimeoutMs: 2_000 }),
      }),
    );
    const first = await managers[0]!.getToken();
    const second = await managers[1]!.getToken();
    expect(second.accessToken).toBe(first.accessToken);
    expect(provider.state.requests).toBe(1);
    // 401 compare-and-delete, then one new token for both.
    await Promise.all(managers.map((m) => m.invalidate(first.accessToken)));
    const renewed = await managers[1]!.getToken();
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect((await managers[0]!.getToken()).accessToken).toBe(renewed.accessToken);
    expect(provider.state.requests).toBe(2);
    await Promise.all(managers.map((m) => m.close()));
  } finally {
    await provider.close();
  }
}

describe("a Redis user limited by ACL to the store's commands and key prefix", () => {
  let port: number;
  let stop: () => void;
  beforeAll(async () => {
    port = await freePort();
    const user = `user deploy on >deploy-pass resetkeys ~${PREFIX}* resetchannels -@all ${STORE_COMMANDS.map((c) => `+${c}`).join(" ")}`;
    const admin = () => {
      const client = createClient({
        url: `redis://127.0.0.1:${port}`,
        socket: { reconnectStrategy: false },
      });
      client.on("error", () => undefined);
      return client;
    };
    stop = await startServer(["--port", String(port)], port, async () => {
      const client = admin();
      await client.connect();
      client.destroy();
    });
    const client = admin();
    await client.connect();
    await client.sendCommand(["ACL", "SETUSER", ...user.split(" ").slice(1)]);
    client.destroy();
  }, 30_000);
  afterAll(() => stop());

  const connectAs = async (
    kind: ClientKind,
  ): Promise<{ client: RedisClient; close: () => void }> => {
    if (kind === "redis") {
      const client = createClient({
        url: `redis://deploy:deploy-pass@127.0.0.1:${port}`,
        disableClientInfo: true, // CLIENT SETINFO is not among the store's commands
        socket: { reconnectStrategy: false },
      });
      client.on("error", () => undefined);
      await client.connect();
      return { client, close: () => client.destroy() };
    }
    const client = new Redis({
      host: "127.0.0.1",
      port,
      username: "deploy",
      password: "deploy-pass",
      enableReadyCheck: false, // INFO is not among the store's commands
    });
    client.on("error", () => undefined);
    return { client, close: () => client.disconnect() };
  };

  it.each(clientKinds)(
    "shares one token through %s with exactly those permissions",
    async (kind) => {
      const a = await connectAs(kind);
      const b = await connectAs(kind);
      try {
        await sharesThrough([a.client, b.client]);
      } finally {
        a.close();
        b.close();
      }
    },
  );

  it("is what the README lists", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    for (const command of STORE_COMMANDS) expect(readme).toContain(`+${command}`);
  });
});

describe("TLS with a password", () => {
  let port: number;
  let stop: () => void;
  let dir: string;
  let ca: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "auth-redis-tls-"));
    const run = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
    run(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "1",
      "-subj",
      "/CN=auth-test-ca",
    );
    run(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=127.0.0.1",
    );
    await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    run(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.crt",
      "-days",
      "1",
      "-extfile",
      "san.ext",
    );
    ca = await readFile(join(dir, "ca.crt"), "utf8");
    port = await freePort();
    stop = await startServer(
      [
        "--port",
        "0",
        "--tls-port",
        String(port),
        "--tls-cert-file",
        join(dir, "server.crt"),
        "--tls-key-file",
        join(dir, "server.key"),
        "--tls-ca-cert-file",
        join(dir, "ca.crt"),
        "--tls-auth-clients",
        "no",
        "--requirepass",
        "tls-pass",
      ],
      port,
      async () => {
        const client = createClient({
          url: `rediss://:tls-pass@127.0.0.1:${port}`,
          socket: { tls: true, ca, reconnectStrategy: false },
        });
        client.on("error", () => undefined);
        await client.connect();
        client.destroy();
      },
    );
  }, 60_000);
  afterAll(async () => {
    stop();
    await rm(dir, { recursive: true, force: true });
  });

  const connectTls = async (
    kind: ClientKind,
  ): Promise<{ client: RedisClient; close: () => void }> => {
    if (kind === "redis") {
      const client = createClient({
        url: `rediss://:tls-pass@127.0.0.1:${port}`,
        socket: { tls: true, ca },
      });
      client.on("error", () => undefined);
      await client.connect();
      return { client, close: () => client.destroy() };
    }
    const client = new Redis({ host: "127.0.0.1", port, password: "tls-pass", tls: { ca } });
    client.on("error", () => undefined);
    return { client, close: () => client.disconnect() };
  };

  it.each(clientKinds)(
    "shares one token through %s over TLS, verifying the server's certificate",
    async (kind) => {
      const a = await connectTls(kind);
      const b = await connectTls(kind);
      try {
        await sharesThrough([a.client, b.client]);
      } finally {
        a.close();
        b.close();
      }
    },
  );

  it("refuses a server whose certificate is not trusted (no silent plain fallback)", async () => {
    const client = createClient({
      url: `rediss://:tls-pass@127.0.0.1:${port}`,
      socket: { tls: true, reconnectStrategy: false },
    });
    client.on("error", () => undefined);
    await expect(client.connect()).rejects.toThrow(/certificate/i);
  });
});

describe.each(clientKinds)("a Redis Cluster whose primary fails over, through %s", (kind) => {
  it("keeps every getToken() succeeding, and shares again once the replica is promoted", async () => {
    const cluster = await ownCluster(3, 1);
    const provider = await tokenServer();
    const closers: (() => unknown)[] = [];
    const connectCluster = async (): Promise<RedisClient> => {
      if (kind === "redis") {
        const client = createCluster({
          // Seeds that run: a client started after the failover is not told about the dead node.
          rootNodes: cluster.alivePorts().map((port) => ({ url: `redis://127.0.0.1:${port}` })),
          defaults: { socket: { reconnectStrategy: () => 100 } },
        });
        client.on("error", () => undefined);
        await client.connect();
        closers.push(() => client.destroy());
        return client;
      }
      const client = new Cluster(
        cluster.alivePorts().map((port) => ({ host: "127.0.0.1", port })),
        { redisOptions: { maxRetriesPerRequest: 1 } },
      );
      client.on("error", () => undefined);
      closers.push(() => client.disconnect());
      return client;
    };
    const manager = async () =>
      createTokenManager({
        exchange,
        credentials: { clientId: "deploy-client", clientSecret: "deploy-secret" },
        baseUrl: provider.url,
        store: createRedisStore({ client: await connectCluster(), commandTimeoutMs: 500 }),
      });
    try {
      const a = await manager();
      const b = await manager();
      const first = await a.getToken();
      expect((await b.getToken()).accessToken).toBe(first.accessToken);
      expect(provider.state.requests).toBe(1);
      const primary = await cluster.masterHolding(":token");
      expect(primary).toBeDefined();
      await cluster.kill(primary!);
      // While the slot has no primary and after: every call succeeds.
      for (let i = 0; i < 10; i++) {
        expect((await a.getToken({ forceRefresh: true })).accessToken).toMatch(/^token-/);
        expect((await b.getToken()).accessToken).toMatch(/^token-/);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The replica is promoted (cluster-node-timeout 1 s) and the stores' breakers probe again:
      // a refresh by one manager is adopted by the other through Redis. (The promoted replica may
      // still hold the token from before the failover: it is valid until its own expiry, and a
      // newer one replaces it.)
      let shared = false;
      for (let i = 0; i < 300 && !shared; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const mine = await a.getToken({ forceRefresh: true }).catch(() => undefined);
        // b drops its own token (compare-and-delete: a's stays) and looks in Redis again.
        await b.invalidate((await b.getToken()).accessToken);
        const theirs = await b.getToken();
        shared = mine !== undefined && theirs.accessToken === mine.accessToken;
      }
      expect(shared).toBe(true);
      expect(await cluster.masterHolding(":token")).not.toBe(primary);
      const before = provider.state.requests;
      const c = await manager();
      expect((await c.getToken()).accessToken).toBe((await a.getToken()).accessToken);
      expect(provider.state.requests).toBe(before);
      await Promise.all([a.close(), b.close(), c.close()]);
    } finally {
      for (const close of closers) close();
      await provider.close();
      await cluster.stop();
    }
  }, 90_000);
});
