import { AuthError, authMiddleware } from "@auth/core";
import createClient from "openapi-fetch";
import { afterEach, describe, expect, it } from "vitest";
import { fakeTime, type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { alternativePaymentsTarget, core } from "./support/targets.js";

// Concern: what a provider said on its bad day is remembered between calls, for every caller:
// no request before Retry-After; one backoff schedule during an outage (one probe per interval,
// not callers × attempts); a valid token keeps being served meanwhile; without one, callers get
// a typed error carrying `retryAfterMs`. An API that rejects every token costs one new token.

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function provider(answer: (call: number) => [number, unknown, Record<string, string>?]) {
  let calls = 0;
  const server = await startRudeServer((_request, response) => {
    calls += 1;
    const [status, body, headers] = answer(calls);
    sendJson(response, status, body, headers);
  });
  servers.push(server);
  return server;
}

describe.each([core, alternativePaymentsTarget])("shared cooldown through $name", (target) => {
  it("sends nothing before a 429's Retry-After: 20 callers, 1 request, each told when to come back", async () => {
    const server = await provider((call) =>
      call === 1
        ? [429, { error: "rate_limited" }, { "retry-after": "60" }]
        : [200, target.okBody("after-cooldown")],
    );
    const time = fakeTime();
    const auth = target.create(server.url, { clock: time.clock, sleep: time.sleep });
    const results = [];
    for (let i = 0; i < 20; i++) {
      results.push(
        await auth.getToken().then(
          () => undefined,
          (e: unknown) => e as AuthError,
        ),
      );
      time.advance(1_000);
    }
    expect(server.requests).toBe(1);
    for (const error of results) {
      expect(AuthError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "rate_limited" });
      expect(error!.retryAfterMs).toBeGreaterThan(0);
      expect(error!.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
    time.advance(40_000); // 60 s after the 429
    expect((await auth.getToken()).accessToken).toBe("after-cooldown");
    expect(server.requests).toBe(2);
    await auth.close();
  });

  it("keeps serving a valid token while the provider asks to wait, even past the safety margin", async () => {
    const server = await provider((call) =>
      call === 1 ? [200, target.okBody("still-valid", 3600)] : [429, {}, { "retry-after": "120" }],
    );
    const time = fakeTime();
    const auth = target.create(server.url, { clock: time.clock, sleep: time.sleep });
    await auth.getToken();
    time.advance(3_590_000); // 10 s before expiry: callers would normally wait for a new token
    for (let i = 0; i < 20; i++) expect((await auth.getToken()).accessToken).toBe("still-valid");
    expect(server.requests).toBe(2);
    time.advance(11_000); // expired now, still cooling down
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "rate_limited",
      retryAfterMs: expect.any(Number),
    });
    expect(server.requests).toBe(2);
    await auth.close();
  });

  it("shares one backoff schedule during a 503 outage instead of 4 attempts per caller", async () => {
    const server = await provider(() => [503, { error: "temporarily_unavailable" }]);
    const time = fakeTime();
    const auth = target.create(server.url, {
      clock: time.clock,
      sleep: time.sleep,
      random: () => 0.5,
    });
    const errors: AuthError[] = [];
    for (let i = 0; i < 50; i++) {
      errors.push(
        await auth.getToken().then(
          () => {
            throw new Error("no token expected");
          },
          (e: unknown) => e as AuthError,
        ),
      );
      time.advance(100); // a caller every 100 ms for 5 s
    }
    // The first caller's own retries (4), then one probe each time the shared backoff ends
    // (1 s, then 2 s with the defaults and random = 0.5): far fewer than 50 × 4.
    expect(server.requests).toBeLessThanOrEqual(8);
    expect(errors.every((e) => e.code === "endpoint_error" && e.status === 503)).toBe(true);
    const cooled = errors.filter((e) => e.retryAfterMs !== undefined);
    expect(cooled.length).toBeGreaterThan(30);
    await auth.close();
  });

  it("forces at most one new token when the API rejects every token (401)", async () => {
    let issued = 0;
    const server = await startRudeServer((_request, response, seen) => {
      if (seen.path === target.tokenPath)
        return sendJson(response, 200, target.okBody(`token-${++issued}`));
      sendJson(response, 401, { error: "insufficient_scope" });
    });
    servers.push(server);
    const auth = target.create(server.url);
    const client = createClient<{
      "/resource": { get: { responses: { 200: { content: { "application/json": unknown } } } } };
    }>({ baseUrl: server.url });
    client.use(authMiddleware(auth));
    for (let i = 0; i < 20; i++) expect((await client.GET("/resource")).response.status).toBe(401);
    expect(issued).toBe(2);
    await auth.close();
  });
});
