import { type ChildProcess, spawn } from "node:child_process";
import { createServer as createHttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createClient } from "redis";
import type { TokenExchange } from "@auth/core";
import type { RedisClient } from "../src/index.js";
import { freePort } from "./cluster.js";

export { freePort, ownCluster } from "./cluster.js";

/** A plain client-credentials provider, as the hand-written token servers below answer it. */
export const exchange: TokenExchange = {
  provider: "fleet",
  tokenPath: "/oauth/token",
  credentials: [
    { name: "clientId", in: "basic", part: "username", secret: false, required: true },
    { name: "clientSecret", in: "basic", part: "password", secret: true, required: true },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token", tokenType: "token_type" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
};

export type ClientKind = "redis" | "ioredis";
export const clientKinds: ClientKind[] = ["redis", "ioredis"];

/** The suite's shared Redis (test/global-setup.ts started it, or REDIS_URL named it). */
export function sharedRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url)
    throw new Error("REDIS_URL is not set: run these tests through vitest (test/global-setup.ts)");
  return url;
}

/**
 * A connected client of either kind, with its error events handled (an unhandled one is fatal):
 * to a server of the test's own on `port`, or to the suite's shared Redis.
 */
export async function connect(
  kind: ClientKind,
  port?: number,
): Promise<{ client: RedisClient; close: () => Promise<void> }> {
  const url = port === undefined ? sharedRedisUrl() : `redis://127.0.0.1:${port}`;
  if (kind === "redis") {
    const client = createClient({
      url,
      socket: { reconnectStrategy: () => 100 },
    });
    client.on("error", () => undefined);
    await client.connect();
    // destroy(), not close(): close() waits for commands queued while the server is down.
    return { client, close: async () => void client.destroy() };
  }
  const client = new Redis(url, {
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
  const admin = createClient({ url: sharedRedisUrl() });
  await admin.connect();
  for await (const keys of admin.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 }))
    if (keys.length) await admin.del(keys);
  await admin.close();
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
