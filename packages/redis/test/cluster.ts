import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";

// Also used by the bench (scripts/src/bench/fleet.ts, P4's cluster rows).

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * One `redis-server` of the caller's own on a random loopback port (nothing kept on disk), for code
 * that must never write into a developer's Redis on 6379. `stop()` SIGKILLs it.
 */
export async function ownServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  let missing: Error | undefined;
  child.once("error", (error) => (missing = error));
  const stop = async () => {
    if (missing || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  for (let i = 0; i < 200 && !missing; i++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.close();
      return { url, stop };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  await stop();
  throw new Error(
    missing
      ? "these tests need redis-server: install it (Debian: apt-get install redis-server), or set REDIS_URL to a Redis they may write into"
      : `redis-server did not start on port ${port}`,
    { cause: missing },
  );
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
        // A replica syncs at once (Redis 7 waits 5 s for more replicas before a diskless sync).
        "--repl-diskless-sync-delay",
        "0",
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
