import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createClient } from "redis";
import type { RedisClient } from "../src/index.js";

export type ClientKind = "redis" | "ioredis";
export const clientKinds: ClientKind[] = ["redis", "ioredis"];

/** A connected client of either kind, with its error events handled (an unhandled one is fatal). */
export async function connect(
  kind: ClientKind,
  port = 6379,
): Promise<{ client: RedisClient; close: () => Promise<void> }> {
  if (kind === "redis") {
    const client = createClient({
      url: `redis://127.0.0.1:${port}`,
      socket: { reconnectStrategy: () => 100 },
    });
    client.on("error", () => undefined);
    await client.connect();
    // destroy(), not close(): close() waits for commands queued while the server is down.
    return { client, close: async () => void client.destroy() };
  }
  const client = new Redis({
    host: "127.0.0.1",
    port,
    retryStrategy: () => 100,
    maxRetriesPerRequest: 1,
  });
  client.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve);
    client.once("error", reject);
  });
  return { client, close: async () => void client.disconnect() };
}

/** A unique key prefix on the shared Redis, and a cleanup that deletes everything under it. */
export function uniquePrefix(): string {
  return `test:${randomUUID()}:`;
}

export async function deleteByPrefix(prefix: string): Promise<void> {
  const admin = createClient({ url: "redis://127.0.0.1:6379" });
  await admin.connect();
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
    if (keys.length) await admin.del(keys);
  await admin.close();
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A redis-server of the test's own on a random loopback port, to kill, restart and flush. */
export async function ownRedis() {
  const port = await freePort();
  let process: ChildProcess | undefined;
  const admin = () =>
    createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
  const start = async () => {
    process = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 200; i++) {
      const client = admin();
      client.on("error", () => undefined);
      try {
        await client.connect();
        await client.close();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const run = async <T>(work: (client: ReturnType<typeof admin>) => Promise<T>): Promise<T> => {
    const client = admin();
    client.on("error", () => undefined);
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.close().catch(() => undefined);
    }
  };
  await start();
  return {
    port,
    start,
    /** SIGKILL: the server is gone without a goodbye. */
    async kill() {
      if (!process || process.exitCode !== null || process.signalCode !== null) return;
      const exited = new Promise((resolve) => process!.once("exit", resolve));
      process.kill("SIGKILL");
      await exited;
    },
    /** Blocks the server for `seconds` (DEBUG SLEEP), without waiting for it. */
    sleep: (seconds: number) =>
      run((c) => c.sendCommand(["DEBUG", "SLEEP", String(seconds)])).catch(() => undefined),
    flush: () => run((c) => c.flushAll()),
    keys: () => run((c) => c.keys("*")),
    dump: () =>
      run(async (c) => {
        const out: string[] = [];
        for (const key of await c.keys("*")) {
          const type = await c.type(key);
          out.push(
            key,
            type === "hash" ? JSON.stringify(await c.hGetAll(key)) : String(await c.get(key)),
          );
        }
        return out.join("\n");
      }),
    /** Calls of the commands the store uses (HMGET, EVAL, SET, GET, DEL), from INFO commandstats. */
    storeCommands: () =>
      run(async (c) => {
        const stats = await c.info("commandstats");
        let calls = 0;
        for (const name of ["hmget", "eval", "evalsha", "set", "get", "del"])
          calls += Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
        return calls;
      }),
  };
}

/**
 * A Redis Cluster of the test's own: `masters` primaries (and `replicas` replicas each) from
 * `redis-server` binaries on random loopback ports, slots assigned by `redis-cli --cluster create`.
 * `kill(port)` SIGKILLs one node; `stop()` kills them all and removes their files.
 */
export async function ownCluster(masters = 3, replicas = 0) {
  const dir = await mkdtemp(join(tmpdir(), "auth-redis-cluster-"));
  const nodes = new Map<number, ChildProcess>();
  const ports: number[] = [];
  for (let i = 0; i < masters * (1 + replicas); i++) ports.push(await freePort());
  for (const port of ports) {
    const child = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        `nodes-${port}.conf`,
        "--cluster-node-timeout",
        "1000",
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    nodes.set(port, child);
  }
  const ask = async (port: number, args: string[]): Promise<string> => {
    const client = createClient({
      url: `redis://127.0.0.1:${port}`,
      socket: { reconnectStrategy: false },
    });
    client.on("error", () => undefined);
    await client.connect();
    try {
      return String(await client.sendCommand(args));
    } finally {
      client.destroy();
    }
  };
  for (const port of ports)
    for (let i = 0; ; i++) {
      try {
        await ask(port, ["PING"]);
        break;
      } catch (error) {
        if (i > 200) throw error;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  const created = spawnSync(
    "redis-cli",
    [
      "--cluster",
      "create",
      ...ports.map((p) => `127.0.0.1:${p}`),
      "--cluster-replicas",
      String(replicas),
      "--cluster-yes",
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (created.status !== 0)
    throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  // Every node agrees the cluster is up (gossip takes a moment), and every replica has synced
  // with its primary (a replica that never synced cannot take over).
  for (let i = 0; ; i++) {
    const states = await Promise.all(ports.map((p) => ask(p, ["CLUSTER", "INFO"]).catch(() => "")));
    const replication = await Promise.all(
      ports.map((p) => ask(p, ["INFO", "replication"]).catch(() => "")),
    );
    if (
      states.every((info) => info.includes("cluster_state:ok")) &&
      replication.every(
        (info) => !info.includes("role:slave") || info.includes("master_link_status:up"),
      )
    )
      break;
    if (i > 400) throw new Error("the cluster did not reach cluster_state:ok");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const alive = (port: number) =>
    nodes.get(port)?.exitCode === null && nodes.get(port)?.signalCode === null;
  /** Ports of the nodes that are primaries now. */
  const masterPorts = async (): Promise<number[]> => {
    const roles = await Promise.all(
      ports.filter(alive).map(async (p) => [p, await ask(p, ["ROLE"]).catch(() => "")] as const),
    );
    return roles.filter(([, role]) => role.startsWith("master")).map(([p]) => p);
  };
  const keysOf = async (port: number) =>
    (await ask(port, ["KEYS", "*"]).catch(() => "")).split(",").filter(Boolean);
  const kill = async (port: number) => {
    const child = nodes.get(port);
    if (!child || !alive(port)) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  return {
    ports,
    /** Ports of the nodes still running. */
    alivePorts: () => ports.filter(alive),
    masterPorts,
    /** The port of the primary holding a key that ends with `suffix`, if any. */
    async masterHolding(suffix: string): Promise<number | undefined> {
      for (const port of await masterPorts())
        if ((await keysOf(port)).some((key) => key.endsWith(suffix))) return port;
      return undefined;
    },
    /** Every key on every primary. */
    keys: async () => (await Promise.all((await masterPorts()).map(keysOf))).flat(),
    kill,
    async stop() {
      await Promise.all([...nodes.keys()].map(kill));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TokenServerState {
  requests: number;
  logins: number;
  failedLogins: number;
  locked: boolean;
}

/**
 * A provider's token endpoint, written by hand: counts requests, issues distinct tokens, and can
 * reject the password (locking after 3 failures, like EnKash), rate-limit, or hang.
 */
export async function tokenServer(
  behaviour: (
    state: TokenServerState,
    response: ServerResponse,
    body: URLSearchParams,
  ) => boolean | void = () => false,
) {
  const state: TokenServerState = { requests: 0, logins: 0, failedLogins: 0, locked: false };
  let issued = 0;
  const server = createHttpServer((request, response) => {
    let raw = "";
    request.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    request.on("end", () => {
      state.requests += 1;
      const body = new URLSearchParams(raw);
      if (body.get("grant_type") === "password") state.logins += 1;
      if (behaviour(state, response, body)) return;
      issued += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          access_token: `token-${issued}-${randomUUID()}`,
          token_type: "bearer",
          expires_in: 3600,
          refresh_token: `refresh-${issued}`,
          scope: "read write trust",
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
