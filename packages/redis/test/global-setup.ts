import { createClient } from "redis";
import { ownServer } from "./cluster.js";

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
 * The suite's shared Redis (also the examples' suite's: examples/vitest.config.ts uses this file).
 * Tests need a real Redis (under unique key prefixes) and the `redis-server` binary (to start,
 * kill and restart servers of their own). The suite starts its own `redis-server` on a random
 * loopback port (`ownServer`) and stops it afterwards, so it never writes into a developer's
 * Redis on 6379; `REDIS_URL`, when set, names one to use instead. Tests read the address from
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
  const server = await ownServer();
  process.env.REDIS_URL = server.url;
  return server.stop;
}
