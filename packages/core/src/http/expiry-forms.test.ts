import { afterEach, describe, expect, it } from "vitest";
import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager } from "../engine/manager.js";
import { oauthExchange } from "../test-support/harness.js";
import { startServer } from "../test-support/http-server.js";
import { isoDateTimeExpiry, isoDurationExpiry } from "./expiry-readers.js";

// Providers written by hand from how such APIs document their token responses: an envelope
// with an ISO 8601 expiry date, a duration, milliseconds, and one that states no expiry at all
// (its docs say tokens live 10 minutes). Real HTTP on 127.0.0.1, the real clock.
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function tokenFrom(expiry: TokenExchange["expiry"], body: (now: number) => unknown) {
  const server = await startServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(body(Date.now())));
  });
  close = server.close;
  const manager = createTokenManager({
    exchange: {
      ...oauthExchange,
      response: { accessToken: "/data/token" },
      ...(expiry ? { expiry } : {}),
    },
    credentials: { clientId: "client", clientSecret: "secret" },
    baseUrl: server.url,
    allowInsecureHttp: true,
  });
  const before = Date.now();
  const token = await manager.getToken();
  const after = Date.now();
  await manager.close();
  return { token, before, after };
}

describe("expiry forms, against hand-written providers", () => {
  it("an ISO 8601 date-time with an offset", async () => {
    const { token, before, after } = await tokenFrom(
      { field: "/data/expiresAt", kind: "absolute-iso8601", read: isoDateTimeExpiry },
      (now) => ({
        // 30 minutes ahead, written in UTC+05:30 as some providers do.
        data: {
          token: "iso",
          expiresAt: new Date(now + 1_800_000 + 19_800_000).toISOString().replace("Z", "+05:30"),
        },
      }),
    );
    expect(token.accessToken).toBe("iso");
    // The server wrote it between `before` and `after`; ISO milliseconds are kept.
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(token.expiresAt).toBeLessThanOrEqual(after + 1_800_000);
  });

  it("a duration and milliseconds, counted from the request start", async () => {
    const duration = await tokenFrom(
      { field: "/data/validFor", kind: "relative-duration", read: isoDurationExpiry },
      () => ({
        data: { token: "d", validFor: "PT45M" },
      }),
    );
    expect(duration.token.expiresAt).toBeGreaterThanOrEqual(duration.before + 2_700_000);
    expect(duration.token.expiresAt).toBeLessThanOrEqual(duration.after + 2_700_000);
    const ms = await tokenFrom({ field: "/data/ttl", kind: "relative-milliseconds" }, () => ({
      data: { token: "m", ttl: "900000" },
    }));
    expect(ms.token.expiresAt).toBeGreaterThanOrEqual(ms.before + 900_000);
    expect(ms.token.expiresAt).toBeLessThanOrEqual(ms.after + 900_000);
  });

  it("a lifetime the provider documents but never sends", async () => {
    const { token, before, after } = await tokenFrom(
      { kind: "relative-seconds", lifetimeSeconds: 600 },
      () => ({ data: { token: "quiet" } }),
    );
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(token.expiresAt).toBeLessThanOrEqual(after + 600_000);
  });

  it("a malformed date is an invalid_token_response naming the field, and nothing is cached", async () => {
    let served = 0;
    const server = await startServer((_request, response) => {
      served++;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ data: { token: "x", expiresAt: "2026-13-45" } }));
    });
    close = server.close;
    const manager = createTokenManager({
      exchange: {
        ...oauthExchange,
        response: { accessToken: "/data/token" },
        expiry: { field: "/data/expiresAt", kind: "absolute-iso8601", read: isoDateTimeExpiry },
      },
      credentials: { clientId: "client", clientSecret: "secret" },
      baseUrl: server.url,
      allowInsecureHttp: true,
      retry: { maxAttempts: 1 },
    });
    const error = (await manager.getToken().then(
      () => undefined,
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(error.code).toBe("invalid_token_response");
    expect(error.message).toContain("/data/expiresAt");
    expect(served).toBe(1);
    await manager.close();
  });
});
