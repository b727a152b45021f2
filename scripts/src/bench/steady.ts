import { createTokenManager } from "@auth/core";
import { benchExchange, memo, tokenSources } from "./peers.ts";
import { BENCH_CLIENT, startTokenServer } from "./token-server.ts";

export interface SteadyRow {
  readonly client: string;
  readonly calls: number;
  readonly upstream: number;
  /** Calls after the first token that waited for a token request (took ≥ the server's latency). */
  readonly blocked: number;
  /** Calls that got a token the server already considered expired. */
  readonly expiredServed: number;
}

const LATENCY_MS = 50;
/** A call this slow waited for the token server (latency 50 ms); a warm call takes microseconds. */
const BLOCKED_MS = 25;

/**
 * Steady state as users run it: 50 concurrent loops calling for a token every 10 ms for `seconds`,
 * against a token server issuing `lifetimeSeconds` tokens with 50 ms latency. Every client gets a
 * fresh server, one after the other.
 */
export async function steadyState(
  lifetimeSeconds: number,
  seconds: number,
  loops = 50,
): Promise<SteadyRow[]> {
  const rows: SteadyRow[] = [];
  const names = Object.keys(tokenSources("http://127.0.0.1:1"));
  for (const client of names) {
    const server = await startTokenServer({ latencyMs: LATENCY_MS, lifetimeSeconds });
    try {
      const get = tokenSources(server.url, lifetimeSeconds)[client]!;
      const first = await get();
      void first;
      let calls = 0;
      let blocked = 0;
      let expiredServed = 0;
      const deadline = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: loops }, async () => {
          while (performance.now() < deadline) {
            const started = performance.now();
            const token = await get();
            calls += 1;
            if (performance.now() - started >= BLOCKED_MS) blocked += 1;
            if (server.expired(token)) expiredServed += 1;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        }),
      );
      server.assertNoRejections(`steady state (${client})`);
      rows.push({ client, calls, upstream: server.requests, blocked, expiredServed });
    } finally {
      await server.close();
    }
  }
  return rows;
}

export interface LongLivedRow {
  readonly client: string;
  readonly requestsPerHour: number;
}

/**
 * The same trade-off with 1-hour tokens, on an injected clock (10 simulated hours, a call every
 * second): token requests per hour for the manager and for a memo cache.
 */
export async function longLived(hours = 10): Promise<LongLivedRow[]> {
  let now = Date.UTC(2026, 0, 1);
  let requests = 0;
  const fetch = (async () => {
    requests += 1;
    return new Response(
      JSON.stringify({ access_token: `t${requests}`, token_type: "bearer", expires_in: 3600 }),
      {
        headers: { "content-type": "application/json" },
      },
    );
  }) as typeof globalThis.fetch;
  const clock = () => now;
  const manager = createTokenManager({
    exchange: benchExchange,
    credentials: BENCH_CLIENT,
    baseUrl: "https://bench.invalid",
    fetch,
    clock,
  });
  const memoized = memo(async () => {
    requests += 1;
    return { token: `m${requests}`, expiresInSeconds: 3600 };
  }, clock);
  const rows: LongLivedRow[] = [];
  for (const [client, get] of [
    ["@auth/core", () => manager.getToken()],
    ["memo cache", memoized],
  ] as const) {
    requests = 0;
    const start = now;
    for (let second = 0; second < hours * 3600; second++) {
      await get();
      now += 1000;
      // Let a background refresh finish before the next simulated second.
      await new Promise((resolve) => setImmediate(resolve));
    }
    rows.push({ client, requestsPerHour: requests / ((now - start) / 3_600_000) });
  }
  await manager.close();
  return rows;
}
