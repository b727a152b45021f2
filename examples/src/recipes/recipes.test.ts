import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import axios from "axios";
import { authMiddleware, createAuth } from "@auth/alternative-payments";
import { startSandbox, type Sandbox } from "@auth/sandbox";
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";
import { withAuth } from "./axios.js";
import { instrumentTokens } from "./opentelemetry.js";

const ID = "alternative-payments";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sandbox(): Promise<Sandbox> {
  const started = await startSandbox({ providers: [ID] });
  cleanups.push(() => started.close());
  return started;
}

/** A node:http server on 127.0.0.1, closed after the test. */
async function server(
  handler: (request: IncomingMessage, response: ServerResponse, body: string) => void,
): Promise<{ url: string; server: Server }> {
  const http = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => handler(request, response, body));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(resolve);
      }),
  );
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, server: http };
}

describe("recipe: OpenTelemetry from node:diagnostics_channel", () => {
  it("records spans and metrics for a cold fetch, a refresh, a 401 replay and a credentials failure, with no secret", async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(spans)],
    });
    const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricExporter,
      exportIntervalMillis: 3_600_000,
    });
    const meterProvider = new MeterProvider({ readers: [reader] });
    const stop = instrumentTokens({
      tracer: tracerProvider.getTracer("test"),
      meter: meterProvider.getMeter("test"),
    });
    cleanups.push(
      stop,
      () => meterProvider.shutdown(),
      () => tracerProvider.shutdown(),
    );

    const emulator = await sandbox();
    const credentials = emulator.credentials[ID];
    const auth = createAuth({ ...credentials, baseUrl: emulator.baseUrls[ID] });
    cleanups.push(() => auth.close());
    const api = createClient({ baseUrl: emulator.baseUrls[ID] });
    api.use(authMiddleware(auth));

    const first = await auth.getToken(); // cold fetch
    await auth.getToken({ forceRefresh: true }); // a refresh of a live token
    emulator.revokeTokens(ID); // the next API call gets a 401, one new token, one replay
    const { response } = await api.GET("/api/ping" as never);
    expect(response.status).toBe(200);
    const wrong = createAuth({
      ...credentials,
      clientSecret: "wrong",
      baseUrl: emulator.baseUrls[ID],
    });
    cleanups.push(() => wrong.close());
    await expect(wrong.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    await expect(wrong.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });

    const finished = spans.getFinishedSpans();
    expect(finished.map((span) => span.name)).toEqual(Array(4).fill("auth.token_request"));
    expect(finished.map((span) => span.status.code)).toEqual([0, 0, 0, 2]);
    expect(finished[3]!.attributes).toMatchObject({
      "auth.provider": ID,
      "auth.grant": "primary",
      "auth.error.code": "invalid_credentials",
      // Alternative Payments answers a wrong secret with 403 (specs/alternative-payments.yaml).
      "http.response.status_code": 403,
    });
    expect(emulator.stats[ID].tokenRequests).toBe(4); // the remembered failure sent nothing

    await reader.forceFlush();
    const exported = metricExporter
      .getMetrics()
      .at(-1)!
      .scopeMetrics.flatMap((s) => s.metrics);
    const points = (name: string) =>
      exported.find((metric) => metric.descriptor.name === name)?.dataPoints ?? [];
    const total = (name: string, filter: Record<string, unknown> = {}) =>
      points(name)
        .filter((point) => Object.entries(filter).every(([k, v]) => point.attributes[k] === v))
        .reduce((sum, point) => sum + (point.value as number), 0);
    expect(total("auth.token.requests", { "auth.outcome": "success" })).toBe(3);
    expect(total("auth.token.requests", { "auth.outcome": "failure" })).toBe(1);
    expect(total("auth.token.failures", { "auth.error.code": "invalid_credentials" })).toBe(1);
    expect(total("auth.token.cooldowns")).toBe(1);
    // Two renewals of a live token (forceRefresh, then the 401's replacement): positive lead times.
    const lead = points("auth.token.refresh_lead_time");
    expect(lead.reduce((n, p) => n + (p.value as { count: number }).count, 0)).toBe(2);
    expect((lead[0]!.value as { min: number }).min).toBeGreaterThan(0);

    const everything = inspect(
      [finished.map((s) => [s.attributes, s.events, s.status]), exported],
      {
        depth: 12,
      },
    );
    for (const secret of [credentials.clientSecret, first.accessToken])
      expect(everything).not.toContain(secret);
  });
});

describe("recipe: axios", () => {
  /** An API that accepts only the tokens the sandbox issued and has not revoked, echoing the body. */
  async function setup() {
    const emulator = await sandbox();
    const auth = createAuth({ ...emulator.credentials[ID], baseUrl: emulator.baseUrls[ID] });
    cleanups.push(() => auth.close());
    return {
      emulator,
      auth,
      client: withAuth(axios.create({ baseURL: emulator.baseUrls[ID] }), auth),
    };
  }

  it("sends the token, and replays a POST body once with a new token after a 401", async () => {
    const { emulator, client } = await setup();
    expect((await client.get("/api/ping")).status).toBe(200);
    emulator.revokeTokens(ID);
    const before = emulator.stats[ID].tokenRequests;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => client.get("/api/ping").then((r) => r.status)),
    );
    expect(answers).toEqual(Array(5).fill(200));
    expect(emulator.stats[ID].tokenRequests).toBe(before + 1); // 5 concurrent 401s, one new token
  });

  it("replays the body, and returns a second 401 as axios does", async () => {
    const seen: { authorization?: string; body: string }[] = [];
    const api = await server((request, response, body) => {
      seen.push({ authorization: request.headers.authorization, body });
      response.writeHead(401, { "content-type": "application/json" }).end('{"error":"nope"}');
    });
    const { auth } = await setup();
    const client = withAuth(axios.create({ baseURL: api.url }), auth);
    const failure = await client.post("/charges", { amount: 7 }).catch((error: unknown) => error);
    expect(axios.isAxiosError(failure) && failure.response?.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.body)).toEqual(['{"amount":7}', '{"amount":7}']);
    expect(seen[0]!.authorization).not.toBe(seen[1]!.authorization);
  });

  it("refuses plain http to a remote host before a token is fetched or anything sent", async () => {
    const { emulator, auth } = await setup();
    const client = withAuth(axios.create({ baseURL: "http://api.example.test" }), auth);
    await expect(client.get("/x")).rejects.toMatchObject({ code: "insecure_url" });
    expect(emulator.stats[ID].tokenRequests).toBe(0);
  });

  it("never carries the token to another origin on a redirect", async () => {
    const landed: (string | undefined)[] = [];
    const elsewhere = await server((request, response) => {
      landed.push(request.headers.authorization);
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const sentHere: (string | undefined)[] = [];
    const redirecting = await server((request, response) => {
      sentHere.push(request.headers.authorization);
      response.writeHead(302, { location: `${elsewhere.url}/landing` }).end();
    });
    const { auth } = await setup();
    const client = withAuth(axios.create({ baseURL: redirecting.url }), auth);
    expect((await client.get("/go")).status).toBe(200);
    expect(sentHere).toEqual([expect.stringMatching(/^Bearer .{10,}/)]);
    expect(landed).toEqual([undefined]);
  });
});
