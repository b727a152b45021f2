import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type ClientKind,
  clientKinds,
  deleteByPrefix,
  ownCluster,
  sharedRedisUrl,
  tokenServer,
  uniquePrefix,
} from "./support.js";

// K real processes, each an @auth/enkash client with N concurrent callers, sharing a real Redis
// (the suite's own redis-server, under a unique prefix that is deleted afterwards).
//
// Starting a process costs about a second of CPU (Node, the client library, the connection), and
// these tests need 70 of them: processes are pooled per client kind and topology. A test takes K
// from the pool (starting any it lacks) and `configure`s each: a new manager with the test's own
// prefix, token server, password and clock (fixtures/fleet-worker.mjs). A killed process never
// goes back to the pool.

const workerPath = fileURLToPath(new URL("./fixtures/fleet-worker.mjs", import.meta.url));
type Reply = { id: number; tokens: string[]; errors: string[] };
interface Settings {
  prefix: string;
  tokenUrl: string;
  password?: string;
  lockTtlMs?: number;
}

function startWorker(env: Record<string, string>) {
  const child: ChildProcess = fork(workerPath, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const pending = new Map<number, (reply: Reply) => void>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.on("message", (message: { ready?: boolean } & Reply) => {
      if (message.ready) return resolve();
      pending.get(message.id)?.(message);
      pending.delete(message.id);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
  const ask = (message: Record<string, unknown>) =>
    new Promise<Reply>((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      child.send({ ...message, id });
    });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    ready,
    alive,
    configure: (settings: Settings) => ask({ cmd: "configure", settings }),
    get: (callers: number) => ask({ cmd: "get", callers }),
    offset: (ms: number) => ask({ cmd: "offset", ms }),
    invalidate: (token: string) => ask({ cmd: "invalidate", token }),
    stop: async () => {
      if (alive()) child.send({ cmd: "exit" });
      await exited;
    },
  };
}
type Worker = ReturnType<typeof startWorker>;

/** Idle processes by what they are connected to; the ones the running test holds. */
const idle = new Map<string, Worker[]>();
const held: { key: string; worker: Worker }[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const { key, worker } of held.splice(0))
    if (worker.alive()) idle.set(key, [...(idle.get(key) ?? []), worker]);
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
/** Stops every pooled process (before the Redis it is connected to goes away). */
async function drainPool(): Promise<void> {
  const workers = [...idle.values()].flat();
  idle.clear();
  await Promise.all(workers.map((worker) => worker.stop()));
}
afterAll(drainPool);

/** Where the fleet's Redis is: the suite's shared one, or a cluster of the suite's own. */
type Topology = { readonly name: string; env(): Record<string, string> };
const single: Topology = { name: "one Redis", env: () => ({ REDIS_URL: sharedRedisUrl() }) };
let clusterPorts: number[] = [];
const cluster: Topology = {
  name: "a 3-primary Redis Cluster",
  env: () => ({ CLUSTER_PORTS: clusterPorts.join(",") }),
};
let topology = single;

async function fleet(
  k: number,
  kind: ClientKind,
  tokenUrl: string,
  settings: Partial<Settings> = {},
  prefix = uniquePrefix(),
) {
  if (topology === single) cleanups.push(() => deleteByPrefix(prefix));
  const connection = { CLIENT_KIND: kind, ...topology.env() };
  const key = JSON.stringify(connection);
  // A process that died while idle is left behind (it would never answer).
  const pooled = (idle.get(key) ?? []).filter((worker) => worker.alive());
  const taken = pooled.splice(0, k);
  idle.set(key, pooled);
  const started = [
    ...taken,
    ...Array.from({ length: k - taken.length }, () => startWorker(connection)),
  ];
  held.push(...started.map((worker) => ({ key, worker })));
  await Promise.all(started.map((w) => w.ready));
  await Promise.all(started.map((w) => w.configure({ ...settings, prefix, tokenUrl })));
  return started;
}

async function server(behaviour?: Parameters<typeof tokenServer>[0]) {
  const created = await tokenServer(behaviour);
  cleanups.push(created.close);
  return created;
}

describe.each([single, cluster].flatMap((where) => clientKinds.map((kind) => ({ where, kind }))))(
  "a fleet sharing $where.name through $kind",
  ({ where, kind }) => {
    let stopCluster: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      topology = where;
      if (where !== cluster) return;
      const started = await ownCluster(3, 0);
      clusterPorts = started.ports;
      stopCluster = started.stop;
    }, 60_000);
    afterAll(async () => {
      await drainPool();
      await stopCluster?.();
      topology = single;
    });

    it("makes one token request for 4 processes × 50 cold callers, and one at refresh time", async () => {
      const provider = await server();
      const processes = await fleet(4, kind, provider.url);
      const cold = await Promise.all(processes.map((w) => w.get(50)));
      expect(provider.state.requests).toBe(1);
      const tokens = new Set(cold.flatMap((r) => r.tokens));
      expect(tokens.size).toBe(1);
      expect(cold.every((r) => r.errors.length === 0 && r.tokens.length === 50)).toBe(true);

      // 10 s before expiry: past the safety margin, every caller waits for a new token.
      await Promise.all(processes.map((w) => w.offset(3_590_000)));
      const renewed = await Promise.all(processes.map((w) => w.get(50)));
      expect(provider.state.requests).toBe(2);
      const fresh = new Set(renewed.flatMap((r) => r.tokens));
      expect(fresh.size).toBe(1);
      expect(fresh.has([...tokens][0]!)).toBe(false);
    });

    it("sends one login, fleet-wide, with a wrong EnKash password: the account never locks", async () => {
      const provider = await server((state, response) => {
        state.failedLogins += 1;
        if (state.failedLogins >= 3) state.locked = true;
        response.writeHead(400, { "content-type": "application/json" });
        response.end(
          JSON.stringify({ error: "invalid_grant", error_description: "Bad credentials" }),
        );
        return true;
      });
      const prefix = uniquePrefix();
      const processes = await fleet(4, kind, provider.url, { password: "wrong-password" }, prefix);
      for (let round = 0; round < 2; round++) {
        const results = await Promise.all(processes.map((w) => w.get(20)));
        expect(
          results.every(
            (r) => r.tokens.length === 0 && r.errors.every((e) => e === "invalid_credentials"),
          ),
        ).toBe(true);
      }
      // A process that starts later learns it from Redis too.
      const [late] = await fleet(1, kind, provider.url, { password: "wrong-password" }, prefix);
      expect((await late!.get(5)).errors).toEqual(Array(5).fill("invalid_credentials"));
      expect(provider.state.logins).toBe(1);
      expect(provider.state.locked).toBe(false);
    });

    it("shares a 429's Retry-After: the other processes send nothing", async () => {
      const provider = await server((_state, response) => {
        response.writeHead(429, { "content-type": "application/json", "retry-after": "60" });
        response.end(JSON.stringify({ error: "rate_limited" }));
        return true;
      });
      const [first, ...others] = await fleet(4, kind, provider.url);
      expect((await first!.get(1)).errors).toEqual(["rate_limited"]);
      const results = await Promise.all(others.map((w) => w.get(10)));
      expect(
        results.every((r) => r.errors.length === 10 && r.errors.every((e) => e === "rate_limited")),
      ).toBe(true);
      expect(provider.state.requests).toBe(1);
    });

    it("replaces a token once for the fleet when every process sees it rejected (401)", async () => {
      const provider = await server();
      const processes = await fleet(4, kind, provider.url);
      const [first] = await Promise.all(processes.map((w) => w.get(5)));
      const rejected = first!.tokens[0]!;
      await Promise.all(processes.map((w) => w.invalidate(rejected)));
      const after = await Promise.all(processes.map((w) => w.get(5)));
      expect(new Set(after.flatMap((r) => r.tokens)).size).toBe(1);
      expect(after[0]!.tokens[0]).not.toBe(rejected);
      expect(provider.state.requests).toBe(2);
    });
  },
);

describe("a lock holder that dies", () => {
  it("is replaced once its lock expires (SIGKILL while fetching)", async () => {
    const provider = await server((state) => state.requests === 1); // the first request hangs
    const [doomed, survivor] = await fleet(2, "redis", provider.url, { lockTtlMs: 1000 });
    void doomed!.get(1);
    while (provider.state.requests < 1) await new Promise((resolve) => setTimeout(resolve, 10));
    doomed!.child.kill("SIGKILL");
    const result = await survivor!.get(5);
    expect(result.errors).toEqual([]);
    expect(new Set(result.tokens).size).toBe(1);
    expect(provider.state.requests).toBe(2);
  });
});
