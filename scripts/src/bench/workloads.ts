import { spawnSync } from "node:child_process";
import * as diagnostics from "node:diagnostics_channel";
import {
  authMiddleware,
  createTokenManager,
  TOKEN_EVENT_CHANNEL,
  TOKEN_REQUEST_CHANNEL,
} from "@auth/core";
import createClient, { type Middleware } from "openapi-fetch";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { REPO_ROOT } from "../paths.ts";
import { inTurn, summarize, type Summary } from "./stats.ts";
import { benchExchange, tokenSources } from "./peers.ts";
import { BENCH_CLIENT, startTokenServer, startTokenServerProcess } from "./token-server.ts";

/** The one bench client: its exchange and credentials, shared by every workload. */
const exchange = benchExchange;
const credentials = BENCH_CLIENT;
const BATCH = 1_000;

/** Latency of one `await` in ms, per approach, timed in interleaved batches of 1,000. */
async function latencies(
  tasks: Record<string, () => Promise<unknown>>,
  time: number,
): Promise<Record<string, number>> {
  // Interleaved batch by batch (A B C, then B C A, then C A B…): a noisy moment lands on every
  // task alike, which back-to-back blocks of one task each do not.
  const names = Object.keys(tasks);
  const totals = new Map(names.map((name) => [name, 0]));
  for (const name of names) for (let i = 0; i < BATCH; i++) await tasks[name]!();
  let passes = 0;
  const deadline = performance.now() + time * names.length;
  while (performance.now() < deadline || passes < 10) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + passes) % names.length]!;
      const task = tasks[name]!;
      const started = performance.now();
      for (let i = 0; i < BATCH; i++) await task();
      totals.set(name, totals.get(name)! + performance.now() - started);
    }
    passes++;
  }
  return Object.fromEntries(names.map((name) => [name, totals.get(name)! / (passes * BATCH)]));
}

export interface P1Result {
  /** Warm getToken() ÷ await Promise.resolve(token). */
  readonly ratio: Summary;
  /** Each peer's warm call ÷ the same baseline. */
  readonly peers: Readonly<Record<string, Summary>>;
  /** Warm getAuthorizationHeader() ÷ the memo peer's warm call (both hand back a cached value). */
  readonly headerVsMemo: Summary;
  readonly baselineNs: number;
}

/** The memo cache P1's header row compares with (its README pattern: a cached token). */
const MEMO_PEER = "oauth4webapi + memo";

/** P1: a warm call vs `await Promise.resolve(token)`, for the manager and every peer, interleaved. */
export async function p1WarmGetToken(rounds: number): Promise<P1Result> {
  const server = await startTokenServer(0);
  try {
    const { "@auth/core": _wrapped, ...sources } = tokenSources(server.url);
    const manager = createTokenManager({ exchange, credentials, baseUrl: server.url });
    for (const get of Object.values(sources)) await get(); // warm every cache
    const token = await manager.getToken();
    const fetchEveryCall = sources["fetch every call"]!;
    const ratios: number[] = [];
    const headerRatios: number[] = [];
    const peerRatios: Record<string, number[]> = {};
    let baselineNs = 0;
    for (let round = 0; round < rounds; round++) {
      const tasks: Record<string, () => Promise<unknown>> = {
        baseline: () => Promise.resolve(token),
        "@auth/core": () => manager.getToken(),
        "@auth/core header": () => manager.getAuthorizationHeader(),
      };
      for (const [name, get] of Object.entries(sources))
        if (get !== fetchEveryCall) tasks[name] = get;
      const result = await latencies(tasks, 250);
      const baseline = result.baseline!;
      baselineNs = baseline * 1e6;
      ratios.push(result["@auth/core"]! / baseline);
      headerRatios.push(result["@auth/core header"]! / result[MEMO_PEER]!);
      for (const [name, latency] of Object.entries(result))
        if (name !== "baseline" && !name.startsWith("@auth/core"))
          (peerRatios[name] ??= []).push(latency / baseline);
      // A full HTTP round trip per call: a few hundred calls suffice.
      const started = performance.now();
      for (let i = 0; i < 200; i++) await fetchEveryCall();
      (peerRatios["fetch every call"] ??= []).push((performance.now() - started) / 200 / baseline);
    }
    server.assertNoRejections("P1");
    return {
      ratio: summarize(ratios),
      peers: Object.fromEntries(
        Object.entries(peerRatios).map(([name, values]) => [name, summarize(values)]),
      ),
      baselineNs,
      headerVsMemo: summarize(headerRatios),
    };
  } finally {
    await server.close();
  }
}

/**
 * P1 diagnostics: a warm getToken() while an APM agent subscribes to both diagnostics channels
 * (`auth:token-event` and the `auth:token-request` TracingChannel) ÷ the same call with no
 * subscriber. The subscription is process-wide, so the two cannot share a batch: a round
 * alternates short batches with and without subscribers (the order flipped pair by pair) and
 * compares the median batch of each, so a GC pause or a scheduler hiccup moves one batch of one
 * side and not the round.
 */
export async function p1Diagnostics(rounds: number): Promise<Summary> {
  const server = await startTokenServer(0);
  try {
    const manager = createTokenManager({ exchange, credentials, baseUrl: server.url });
    await manager.getToken();
    const tracing = diagnostics.tracingChannel(TOKEN_REQUEST_CHANNEL);
    const handlers = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    const onEvent = () => undefined;
    const batch = async (subscribed: boolean) => {
      if (subscribed) {
        tracing.subscribe(handlers);
        diagnostics.subscribe(TOKEN_EVENT_CHANNEL, onEvent);
      }
      try {
        const started = performance.now();
        for (let i = 0; i < BATCH; i++) await manager.getToken();
        return performance.now() - started;
      } finally {
        if (subscribed) {
          tracing.unsubscribe(handlers);
          diagnostics.unsubscribe(TOKEN_EVENT_CHANNEL, onEvent);
        }
      }
    };
    for (let i = 0; i < 20; i++) await batch(i % 2 === 0); // warm-up, both ways
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const on: number[] = [];
      const off: number[] = [];
      for (let pair = 0; pair < PAIRS_PER_ROUND; pair++) {
        const first = (round + pair) % 2 === 0;
        (first ? on : off).push(await batch(first));
        (first ? off : on).push(await batch(!first));
      }
      ratios.push(summarize(on).median / summarize(off).median);
    }
    await manager.close();
    server.assertNoRejections("P1 diagnostics");
    return summarize(ratios);
  } finally {
    await server.close();
  }
}

/** P1 diagnostics' batches per side per round. */
const PAIRS_PER_ROUND = 25;

export interface P2Peer {
  readonly client: string;
  readonly upstream: number;
  readonly lastCallerMs: number;
}
export interface P2Result {
  readonly upstream: Summary;
  /** Last caller's wait ÷ the same burst awaiting one bare token request: what single-flight costs. */
  readonly ratio: Summary;
  readonly lastCallerMs: Summary;
  readonly bareLastCallerMs: Summary;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly peers: readonly P2Peer[];
}

/** Each caller's wait from the burst's start, sorted. */
async function burst(callers: number, call: () => Promise<unknown>): Promise<number[]> {
  const started = performance.now();
  const waits: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, () =>
      call().then(() => waits.push(performance.now() - started)),
    ),
  );
  return waits.sort((a, b) => a - b);
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/**
 * P2: what a caller sees when `callers` arrive cold at once (token server latency 20 ms): from the
 * burst's start to each caller's token, against the same burst awaiting one bare, authenticated
 * token request to the same server, interleaved round by round.
 */
export async function p2ColdCallers(
  callers: number,
  rounds: number,
  peerCallers: number,
): Promise<P2Result> {
  // In its own process: a server sharing the callers' event loop flatters whichever side it
  // answers first and charges the other with its work.
  const server = await startTokenServerProcess(20);
  try {
    const upstream: number[] = [];
    const ratios: number[] = [];
    const oursLast: number[] = [];
    const bare: number[] = [];
    let lastWaits: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      await server.reset();
      const manager = createTokenManager({ exchange, credentials, baseUrl: server.url });
      const bareFetch = tokenSources(server.url)["fetch every call"]!;
      let shared: Promise<string> | undefined;
      const ours = () => burst(callers, () => manager.getToken());
      const bareBurst = () => burst(callers, () => (shared ??= bareFetch()));
      // Alternate which goes first, so warm connections and GC land on both sides equally.
      let waits: number[];
      let bareWaits: number[];
      if (round % 2 === 0) {
        waits = await ours();
        bareWaits = await bareBurst();
      } else {
        bareWaits = await bareBurst();
        waits = await ours();
      }
      const requests = (await server.stats()).requests - 1; // the bare request
      if (round === 0) continue; // warm-up
      upstream.push(requests);
      oursLast.push(waits.at(-1)!);
      bare.push(bareWaits.at(-1)!);
      ratios.push(waits.at(-1)! / bareWaits.at(-1)!);
      lastWaits = waits;
    }
    const peers: P2Peer[] = [];
    for (const [client, get] of Object.entries(tokenSources(server.url))) {
      if (client === "@auth/core") continue;
      await server.reset();
      const waits = await burst(peerCallers, get);
      peers.push({
        client,
        upstream: (await server.stats()).requests,
        lastCallerMs: waits.at(-1)!,
      });
    }
    await server.assertNoRejections("P2");
    return {
      upstream: summarize(upstream),
      ratio: summarize(ratios),
      lastCallerMs: summarize(oursLast),
      bareLastCallerMs: summarize(bare),
      p50Ms: percentile(lastWaits, 50),
      p99Ms: percentile(lastWaits, 99),
      peers,
    };
  } finally {
    await server.close();
  }
}

export interface P3Result {
  /** Added per request by the auth middleware, in µs, against an in-memory fetch (no I/O noise). */
  readonly overheadUs: Summary;
  /** One openapi-fetch GET over loopback with a static header, in µs (context). */
  readonly loopbackRequestUs: Summary;
  /** overhead ÷ a loopback request, per round. */
  readonly share: Summary;
  /** Loopback, auth ÷ static middleware, interleaved (context: noisy at this scale). */
  readonly loopbackRatio: Summary;
  /** In-memory fetch, auth middleware ÷ a static-header middleware: per round, median ÷ median. */
  readonly memoryRatio: Summary;
}

type Paths = {
  "/ping": { get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } } };
};

/**
 * `requests` GETs through each client, alternating (A B, then B A): each request's time, per
 * client. A round compares the medians: a GC pause or a scheduler hiccup lands on one request of
 * one side, and moves a sum by milliseconds but a median not at all.
 */
async function interleaved(
  a: ReturnType<typeof createClient<Paths>>,
  b: ReturnType<typeof createClient<Paths>>,
  requests: number,
): Promise<[number, number]> {
  const get = async (client: typeof a) => {
    const started = performance.now();
    const { response } = await client.GET("/ping");
    if (!response.ok) throw new Error(`API answered ${response.status}`);
    return performance.now() - started;
  };
  const first: number[] = [];
  const second: number[] = [];
  for (let i = 0; i < requests; i++) {
    if (i % 2 === 0) {
      first.push(await get(a));
      second.push(await get(b));
    } else {
      second.push(await get(b));
      first.push(await get(a));
    }
  }
  return [summarize(first).median, summarize(second).median];
}

/**
 * P3: what the auth middleware adds to a request. Measured against an in-memory fetch, where the
 * overhead is not drowned in loopback I/O noise, and related to a real loopback request's time.
 */
export async function p3Middleware(rounds: number): Promise<P3Result> {
  const tokens = await startTokenServer(0);
  const api = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end('{"ok":true}');
  });
  api.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  const baseUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  try {
    const manager = createTokenManager({ exchange, credentials, baseUrl: tokens.url });
    const token = await manager.getToken();
    const staticHeader: Middleware = {
      onRequest({ request }) {
        request.headers.set("authorization", `Bearer ${token.accessToken}`);
        return request;
      },
    };
    const inMemory = (async () =>
      new Response('{"ok":true}', {
        headers: { "content-type": "application/json" },
      })) as typeof globalThis.fetch;
    const client = (middleware: Middleware, fetch?: typeof globalThis.fetch) => {
      const created = createClient<Paths>({ baseUrl, ...(fetch ? { fetch } : {}) });
      created.use(middleware);
      return created;
    };
    const memoryAuth = client(authMiddleware(manager), inMemory);
    const memoryStatic = client(staticHeader, inMemory);
    const loopAuth = client(authMiddleware(manager));
    const loopStatic = client(staticHeader);
    await interleaved(memoryAuth, memoryStatic, 2_000); // warm-up
    await interleaved(loopAuth, loopStatic, 200);
    const overhead: number[] = [];
    const loopback: number[] = [];
    const share: number[] = [];
    const ratios: number[] = [];
    const memoryRatios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const memoryRequests = 10_000;
      const [withAuth, withStatic] = await interleaved(memoryAuth, memoryStatic, memoryRequests);
      const overheadUs = (withAuth - withStatic) * 1000;
      memoryRatios.push(withAuth / withStatic);
      const loopRequests = 1_000;
      const [loopWithAuth, loopWithStatic] = await interleaved(loopAuth, loopStatic, loopRequests);
      const requestUs = loopWithStatic * 1000;
      overhead.push(overheadUs);
      loopback.push(requestUs);
      share.push(overheadUs / requestUs);
      ratios.push(loopWithAuth / loopWithStatic);
    }
    tokens.assertNoRejections("P3");
    return {
      overheadUs: summarize(overhead),
      loopbackRequestUs: summarize(loopback),
      share: summarize(share),
      loopbackRatio: summarize(ratios),
      memoryRatio: summarize(memoryRatios),
    };
  } finally {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await tokens.close();
  }
}

/**
 * Import cost as users pay it: a whole `node` process that imports a provider package (resolved
 * as an application resolves it, from examples/) ÷ one that imports oauth4webapi, paired and
 * alternated; plus each over an empty process.
 */
export async function importCost(pairs: number): Promise<{
  ratio: Summary;
  oursMs: Summary;
  peerMs: Summary;
  emptyMs: Summary;
}> {
  const time = (cwd: string, code: string) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd });
    if (result.status !== 0) throw new Error(`import failed: ${String(result.stderr)}`);
    return performance.now() - started;
  };
  const ours = () =>
    time(path.join(REPO_ROOT, "examples"), 'await import("@auth/alternative-payments")');
  const peer = () => time(path.join(REPO_ROOT, "scripts"), 'await import("oauth4webapi")');
  const empty = () => time(REPO_ROOT, "");
  ours();
  peer();
  const ratios: number[] = [];
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  const emptyMs: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const [a, b] = inTurn(pair, ours, peer);
    ratios.push(a / b);
    oursMs.push(a);
    peerMs.push(b);
    emptyMs.push(empty());
  }
  return {
    ratio: summarize(ratios),
    oursMs: summarize(oursMs),
    peerMs: summarize(peerMs),
    emptyMs: summarize(emptyMs),
  };
}
