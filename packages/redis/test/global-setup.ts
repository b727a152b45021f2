import { type ChildProcess, spawn } from "node:child_process";
import { createClient } from "redis";
import { freePort } from "./cluster.js";

/** Whether the Redis at `url` answers PING. */
async function answers(url: string): Promise<boolean> {
  const client = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * The store's tests need a real Redis (under unique key prefixes) and the `redis-server` binary (to
 * start, kill and restart servers of their own). The suite starts its own `redis-server` on a
 * random loopback port and stops it afterwards, so it never writes into a developer's Redis on
 * 6379; `REDIS_URL`, when set, names one to use instead. Tests read the address from
 * `process.env.REDIS_URL` (set here, before the test workers start). Fails loudly, never skips,
 * when Redis is not installed.
 */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.REDIS_URL;
  if (given) {
    if (!(await answers(given)))
      throw new Error(`REDIS_URL is set but ${new URL(given).host} does not answer PING`);
    return undefined;
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const missing = new Promise<Error>((resolve) => server.once("error", resolve));
  for (let i = 0; i < 200; i++) {
    const failure = await Promise.race([missing, new Promise((r) => setTimeout(r, 25, undefined))]);
    if (failure)
      throw new Error(
        "@auth/redis tests need Redis: install redis-server (Debian: apt-get install redis-server), or set REDIS_URL to a Redis they may write into",
        { cause: failure },
      );
    if (await answers(url)) {
      process.env.REDIS_URL = url;
      return async () => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGKILL");
        await exited;
      };
    }
  }
  server.kill("SIGKILL");
  throw new Error(`started redis-server on port ${port}, but it does not answer PING`);
}
