import { createTokenManager, type TokenExchange } from "@auth/core";
import createClient, { type Middleware } from "openapi-fetch";
import { ClientCredentials } from "simple-oauth2";
import { Bench } from "tinybench";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { summarize, type Summary } from "./stats.ts";
import { startTokenServer } from "./token-server.ts";

const exchange: TokenExchange = {
  provider: "bench",
  tokenPath: "/oauth/token",
  credentials: [
    { name: "clientId", in: "basic", part: "username", secret: false, required: true },
    { name: "clientSecret", in: "basic", part: "password", secret: true, required: true },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token", tokenType: "token_type" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
};
const credentials = { clientId: "bench-client", clientSecret: "bench-secret" };
const BATCH = 1_000;

/** Latency of one `await` in ms, per approach, measured by tinybench in batches of 1,000. */
async function latencies(
  tasks: Record<string, () => Promise<unknown>>,
  time: number,
): Promise<Record<string, number>> {
  const bench = new Bench({ time, warmup: true, warmupTime: 100 });
  for (const [name, task] of Object.entries(tasks)) {
    bench.add(name, async () => {
      for (let i = 0; i < BATCH; i++) await task();
    });
  }
  await bench.run();
  return Object.fromEntries(
    bench.tasks.map((task) => [
      task.name,
      (task.result as { latency: { p50: number } }).latency.p50 / BATCH,
    ]),
  );
}

export interface P1Result {
  readonly ratio: Summary;
  readonly naiveRatio: Summary;
  readonly simpleOauth2Ratio: Summary;
  readonly baselineNs: number;
}

/** P1: warm getToken() vs `await Promise.resolve(token)`, with peers on the same workload. */
export async function p1WarmGetToken(rounds: number): Promise<P1Result> {
  const server = await startTokenServer(0);
  try {
    const manager = createTokenManager({ exchange, credentials, baseUrl: server.url });
    const token = await manager.getToken();
    const naive = async () => {
      const response = await fetch(`${server.url}/oauth/token`, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa("bench-client:bench-secret")}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      return ((await response.json()) as { access_token: string }).access_token;
    };
    const oauth = new ClientCredentials({
      client: { id: "bench-client", secret: "bench-secret" },
      auth: { tokenHost: server.url, tokenPath: "/oauth/token" },
    });
    let accessToken = await oauth.getToken({});
    // How users typically wire simple-oauth2: check expired() with a margin on every call.
    const simple = async () => {
      if (accessToken.expired(300)) accessToken = await oauth.getToken({});
      return accessToken.token.access_token;
    };
    const ratios: number[] = [];
    const naiveRatios: number[] = [];
    const simpleRatios: number[] = [];
    let baselineNs = 0;
    for (let round = 0; round < rounds; round++) {
      const result = await latencies(
        {
          baseline: () => Promise.resolve(token),
          getToken: () => manager.getToken(),
          simpleOauth2: simple,
        },
        250,
      );
      ratios.push(result.getToken! / result.baseline!);
      simpleRatios.push(result.simpleOauth2! / result.baseline!);
      baselineNs = result.baseline! * 1e6;
      // The naive client does a full HTTP round trip per call: a few hundred calls suffice.
      const started = performance.now();
      for (let i = 0; i < 200; i++) await naive();
      naiveRatios.push((performance.now() - started) / 200 / result.baseline!);
    }
    return {
      ratio: summarize(ratios),
      naiveRatio: summarize(naiveRatios),
      simpleOauth2Ratio: summarize(simpleRatios),
      baselineNs,
    };
  } finally {
    await server.close();
  }
}

export interface P2Sample {
  readonly upstream: number;
  readonly spreadMs: number;
}
export interface P2Result {
  readonly ours: { upstream: Summary; spreadMs: Summary };
  /** The same measurement with no token manager: callers awaiting one bare promise resolved after 20 ms. */
  readonly floorSpreadMs: Summary;
  readonly naive: P2Sample;
  readonly simpleOauth2: P2Sample;
}

async function resolveAll(callers: number, call: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, () => call().then(() => times.push(performance.now()))),
  );
  return Math.max(...times) - Math.min(...times);
}

/** P2: 10,000 concurrent cold callers against a loopback token server with 20 ms latency. */
export async function p2ColdCallers(
  callers: number,
  rounds: number,
  peerCallers: number,
): Promise<P2Result> {
  const server = await startTokenServer(20);
  try {
    const upstream: number[] = [];
    const spreads: number[] = [];
    const floor: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      server.reset();
      const manager = createTokenManager({ exchange, credentials, baseUrl: server.url });
      const spread = await resolveAll(callers, () => manager.getToken());
      let release!: () => void;
      const bare = new Promise<void>((resolve) => (release = resolve));
      setTimeout(release, 20);
      const floorSpread = await resolveAll(callers, () => bare);
      if (round === 0) continue; // warm-up
      spreads.push(spread);
      upstream.push(server.requests);
      floor.push(floorSpread);
    }
    server.reset();
    const naiveSpread = await resolveAll(peerCallers, async () => {
      const response = await fetch(`${server.url}/oauth/token`, {
        method: "POST",
        body: "grant_type=client_credentials",
      });
      return response.json();
    });
    const naive = { upstream: server.requests, spreadMs: naiveSpread };
    server.reset();
    const oauth = new ClientCredentials({
      client: { id: "bench-client", secret: "bench-secret" },
      auth: { tokenHost: server.url, tokenPath: "/oauth/token" },
    });
    let cached: Awaited<ReturnType<typeof oauth.getToken>> | undefined;
    const simpleSpread = await resolveAll(peerCallers, async () => {
      if (!cached || cached.expired(300)) cached = await oauth.getToken({});
      return cached.token.access_token;
    });
    const simpleOauth2 = { upstream: server.requests, spreadMs: simpleSpread };
    return {
      ours: { upstream: summarize(upstream), spreadMs: summarize(spreads) },
      floorSpreadMs: summarize(floor),
      naive,
      simpleOauth2,
    };
  } finally {
    await server.close();
  }
}

/** P3: openapi-fetch GETs through the auth middleware vs a middleware setting a static header. */
export async function p3Middleware(requests: number, rounds: number): Promise<Summary> {
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
    type Paths = {
      "/ping": {
        get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
      };
    };
    const withAuth = createClient<Paths>({ baseUrl });
    withAuth.use(manager.middleware());
    const withStatic = createClient<Paths>({ baseUrl });
    withStatic.use(staticHeader);
    const get = async (client: typeof withAuth) => {
      const started = performance.now();
      const { response } = await client.GET("/ping");
      if (!response.ok) throw new Error(`API answered ${response.status}`);
      return performance.now() - started;
    };
    for (let i = 0; i < 200; i++) await get(i % 2 ? withAuth : withStatic); // warm-up
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Interleave request by request, alternating which goes first, so drift on a shared
      // machine lands on both sides equally.
      let auth = 0;
      let plain = 0;
      for (let i = 0; i < requests; i++) {
        if (i % 2 === 0) {
          auth += await get(withAuth);
          plain += await get(withStatic);
        } else {
          plain += await get(withStatic);
          auth += await get(withAuth);
        }
      }
      ratios.push(auth / plain);
    }
    return summarize(ratios);
  } finally {
    api.closeAllConnections();
    await new Promise((resolve) => api.close(resolve));
    await tokens.close();
  }
}
