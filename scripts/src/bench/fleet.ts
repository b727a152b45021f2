import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createTokenManager } from "@auth/core";
import { createRedisStore } from "@auth/redis";
import { createClient } from "redis";
import { ownCluster, ownServer } from "../../../packages/redis/test/cluster.ts";
import { summarize, type Summary } from "./stats.ts";
import { benchExchange } from "./peers.ts";
import { BENCH_CLIENT, startTokenServer } from "./token-server.ts";

/** The one bench client: its exchange and credentials, shared by every workload. */
const exchange = benchExchange;
const credentials = BENCH_CLIENT;
const workerPath = fileURLToPath(new URL("./fleet-worker.mjs", import.meta.url));

interface Worker {
  ask(message: Record<string, unknown>): Promise<number>;
  stop(): void;
}

async function startWorker(env: Record<string, string>): Promise<Worker> {
  const child: ChildProcess = fork(workerPath, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = new Map<number, () => void>();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: { ready?: boolean; id?: number }) => {
      if (message.ready) return resolve();
      waiting.get(message.id!)?.();
    });
    child.once("exit", (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
  return {
    /** Sends a command; resolves with how long it took, in ms, as the parent saw it. */
    ask(message) {
      const id = ++next;
      const started = performance.now();
      return new Promise((resolve) => {
        waiting.set(id, () => resolve(performance.now() - started));
        child.send({ ...message, id });
      });
    },
    stop: () => void child.send({ cmd: "exit" }),
  };
}

export interface FleetRow {
  readonly processes: number;
  readonly store: "redis" | "redis-cluster" | "memory";
  /** Upstream requests: cold start, then the refresh one lifetime later. */
  readonly coldRequests: number;
  readonly refreshRequests: number;
  /** Per process: from "get your first token" to 20 callers holding one, in ms. */
  readonly coldStartMs: Summary;
}

/**
 * P4: K processes × 20 callers, cold, then again one lifetime later (each process's clock moved
 * past the safety margin), against the bench token server (20 ms latency).
 */
export async function p4Fleet(
  counts: readonly number[],
  clusterCounts: readonly number[] = [],
): Promise<FleetRow[]> {
  const rows: FleetRow[] = [];
  const runs = [
    ...counts.flatMap((processes) =>
      (["redis", "memory"] as const).map((store) => ({ processes, store })),
    ),
    ...clusterCounts.map((processes) => ({ processes, store: "redis-cluster" as const })),
  ];
  for (const { processes, store } of runs) {
    // A 3-primary Redis Cluster of the bench's own for the cluster rows (node-redis createCluster).
    const cluster = store === "redis-cluster" ? await ownCluster(3, 0) : undefined;
    // A redis-server of the bench's own: never a developer's Redis on 6379.
    const single = store === "redis" ? await ownServer() : undefined;
    const server = await startTokenServer(20);
    const prefix = `bench:${randomUUID()}:`;
    const workers = await Promise.all(
      Array.from({ length: processes }, () =>
        startWorker({
          STORE: store,
          PREFIX: prefix,
          ...(single ? { REDIS_URL: single.url } : {}),
          TOKEN_URL: server.url,
          EXCHANGE: JSON.stringify(exchange),
          CREDENTIALS: JSON.stringify(credentials),
          ...(cluster ? { CLUSTER_PORTS: cluster.ports.join(",") } : {}),
        }),
      ),
    );
    try {
      const cold = await Promise.all(workers.map((w) => w.ask({ cmd: "get", callers: 20 })));
      const coldRequests = server.requests;
      await Promise.all(workers.map((w) => w.ask({ cmd: "offset", ms: 3_590_000 })));
      await Promise.all(workers.map((w) => w.ask({ cmd: "get", callers: 20 })));
      server.assertNoRejections(`P4 (${processes} processes, ${store})`);
      rows.push({
        processes,
        store,
        coldRequests,
        refreshRequests: server.requests - coldRequests,
        coldStartMs: summarize(cold),
      });
    } finally {
      for (const worker of workers) worker.stop();
      await server.close();
      await cluster?.stop();
      await single?.stop();
    }
  }
  return rows;
}

/** P4 warm path: a warm getToken() with the Redis store ÷ with the in-memory store, interleaved. */
/**
 * P4 warm: what Redis sees while a manager with the Redis store serves 10,000 warm calls — the
 * commands the server processed (INFO stats), minus the INFO calls themselves. Timing two code
 * paths that are the same once the token is local would measure nothing.
 */
export async function p4WarmRedis(calls: number): Promise<{ commands: number; calls: number }> {
  const server = await startTokenServer(0);
  const own = await ownServer();
  const redis = await createClient({ url: own.url }).connect();
  const observer = await createClient({ url: own.url }).connect();
  const prefix = `bench:${randomUUID()}:`;
  const processed = async () =>
    Number(/total_commands_processed:(\d+)/.exec(await observer.info("stats"))![1]);
  try {
    const shared = createTokenManager({
      exchange,
      credentials,
      baseUrl: server.url,
      store: createRedisStore({ client: redis, prefix }),
    });
    await shared.getToken();
    const before = await processed();
    for (let i = 0; i < calls; i++) await shared.getToken();
    // The second INFO is counted once it runs: subtract it.
    const commands = (await processed()) - before - 1;
    await shared.close();
    return { commands, calls };
  } finally {
    await server.close();
    redis.destroy();
    observer.destroy();
    await own.stop();
  }
}
