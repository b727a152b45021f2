import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { AuthError } from "../contract/errors.js";
import { createTokenManager } from "./manager.js";
import { onTokenEvent } from "../events/subscribe.js";
import { MemoryTokenStore } from "../store/memory.js";
import { startServer } from "../test-support/http-server.js";
import {
  fakeTime,
  json,
  managerWith,
  oauthExchange,
  refreshExchange,
  scriptedFetch,
  settle,
  tokenBody,
} from "../test-support/harness.js";

describe("caching and expiry", () => {
  it("serves a cached token until the refresh-ahead window", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager, time } = managerWith(server.fetch);
    const first = await manager.getToken();
    expect(first.accessToken).toBe("t1");
    expect(first.tokenType).toBe("Bearer");
    expect(first.expiresAt).toBe(time.clock() + 3_600_000);
    time.advance(2_000_000);
    for (let i = 0; i < 50; i++) expect((await manager.getToken()).accessToken).toBe("t1");
    expect(server.calls).toHaveLength(1);
  });

  it("builds the Authorization value once per cached token, and anew for a new token", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager } = managerWith(server.fetch);
    expect(await manager.getAuthorizationHeader()).toBe("Bearer t1"); // cold: from the request
    const warm = manager.getAuthorizationHeader();
    expect(manager.getAuthorizationHeader()).toBe(warm); // the same promise while t1 is cached
    expect(await warm).toBe("Bearer t1");
    expect(await manager.getAuthorizationHeader({ forceRefresh: true })).toBe("Bearer t2");
    expect(await manager.getAuthorizationHeader()).toBe("Bearer t2");
    await manager.invalidate("t2");
    expect(server.calls).toHaveLength(2);
  });

  it("serves a built header only while getToken() would serve its token", async () => {
    const server = scriptedFetch(
      json(tokenBody("t1", 3600)),
      json(tokenBody("t2", 3600)),
      json(tokenBody("t3", 3600)),
    );
    const { manager, time } = managerWith(server.fetch);
    expect(await manager.getAuthorizationHeader()).toBe("Bearer t1"); // cold
    const built = manager.getAuthorizationHeader(); // warm: built once for t1
    expect(await built).toBe("Bearer t1");
    expect(manager.getAuthorizationHeader()).toBe(built);
    // Expired: the built header is not handed out; a new token is fetched for it.
    time.advance(3_600_000);
    expect(manager.getAuthorizationHeader()).not.toBe(built);
    expect(await manager.getAuthorizationHeader()).toBe("Bearer t2");
    // Options go through getToken(): a forced refresh is a new request, not the built header.
    expect(await manager.getAuthorizationHeader({ forceRefresh: true })).toBe("Bearer t3");
    expect(server.calls).toHaveLength(3);
    // Closed: rejected, even with a header built for a token that is still fresh.
    await manager.close();
    await expect(manager.getAuthorizationHeader()).rejects.toMatchObject({ code: "closed" });
  });

  it("counts relative expiry from when the request started, not when it ended", async () => {
    const time = { now: 1_000_000 };
    const server = scriptedFetch(() => {
      time.now += 5_000; // a slow token endpoint
      return json(tokenBody("t1", 60));
    });
    const manager = createTokenManager({
      exchange: oauthExchange,
      credentials: { clientId: "c", clientSecret: "s" },
      baseUrl: "https://auth.example.test",
      fetch: server.fetch,
      clock: () => time.now,
    });
    expect((await manager.getToken()).expiresAt).toBe(1_000_000 + 60_000);
  });

  it("refreshes in the background inside the window and keeps serving the cached token", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager, time, events } = managerWith(server.fetch);
    await manager.getToken();
    // Window = clamp(25% of 3600 s, 30 s, 10 min) = 600 s (jitter 0 with random 0.5): refresh at 3000 s.
    time.advance(3_000_001);
    expect((await manager.getToken()).accessToken).toBe("t1");
    await settle();
    expect(server.calls).toHaveLength(2);
    expect(events.some((e) => e.type === "refreshed_in_background")).toBe(true);
    expect(events.some((e) => e.type === "served_stale")).toBe(true);
    expect((await manager.getToken()).accessToken).toBe("t2");
  });

  it("makes callers wait for a new token past the safety margin", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager, time } = managerWith(server.fetch);
    await manager.getToken();
    time.advance(3_600_000 - 29_000); // margin = min(30 s, 360 s) = 30 s
    expect((await manager.getToken()).accessToken).toBe("t2");
    expect(server.calls).toHaveLength(2);
  });

  it("falls back to the JWT exp claim, then to a 5-minute default", async () => {
    const now = 1_700_000_000_000;
    const payload = Buffer.from(JSON.stringify({ exp: now / 1000 + 120 })).toString("base64url");
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${payload}.c2ln`;
    const server = scriptedFetch(
      json({ access_token: jwt, token_type: "bearer" }),
      json({ access_token: "opaque" }),
    );
    const { manager, time } = managerWith(server.fetch);
    expect((await manager.getToken()).expiresAt).toBe(now + 120_000);
    const other = managerWith(scriptedFetch(json({ access_token: "opaque" })).fetch);
    expect((await other.manager.getToken()).expiresAt).toBe(other.time.clock() + 300_000);
    expect(time.clock()).toBe(now);
  });

  it("does not hammer a provider whose refresh does not move expiry forward", async () => {
    const fixedExpiry = 1_700_000_000 + 3600;
    const body = { access_token: "same", expires_at: fixedExpiry };
    const server = scriptedFetch(json(body));
    const { manager, time } = managerWith(server.fetch, {
      exchange: { ...oauthExchange, expiry: { field: "expires_at", kind: "absolute-seconds" } },
    });
    await manager.getToken();
    time.advance(3_100_000); // inside the window
    await manager.getToken();
    await settle();
    expect(server.calls).toHaveLength(2);
    for (let i = 0; i < 10; i++) {
      time.advance(100);
      await manager.getToken();
      await settle();
    }
    // No progress: next attempt not before max(5 s, 10% of lifetime) later.
    expect(server.calls).toHaveLength(2);
    time.advance(400_000);
    await manager.getToken();
    await settle();
    expect(server.calls).toHaveLength(3);
  });
});

describe("single flight", () => {
  it("sends one request for 1,000 concurrent cold callers", async () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch);
    server.hold();
    const callers = Array.from({ length: 1000 }, () => manager.getToken());
    await settle();
    server.release();
    const tokens = await Promise.all(callers);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(["t1"]));
    expect(server.calls).toHaveLength(1);
  });

  it("gives every cold caller of one refresh the same promise (one wrapper, not one per caller)", async () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch);
    server.hold();
    const callers = Array.from({ length: 1000 }, () => manager.getToken());
    expect(new Set(callers).size).toBe(1);
    // forceRefresh keeps a wrapper of its own (and joins the same request).
    const forced = manager.getToken({ forceRefresh: true });
    expect(forced).not.toBe(callers[0]);
    await settle();
    server.release();
    expect((await callers[0]!).accessToken).toBe("t1");
    expect((await forced).accessToken).toBe("t1");
    expect(server.calls).toHaveLength(1);
  });

  // A refresh rejected with something other than an AuthError was lost by the runtime (workerd
  // ends the I/O of a request that has ended): it is replaced once, whoever sees it.
  // Here: the backoff after a 503 ends with the platform's own error instead of resuming.
  const losesFirstRefresh = () => {
    const server = scriptedFetch(json({}, 503), json(tokenBody("t2")));
    const time = fakeTime();
    let pauses = 0;
    const sleep = async (ms: number) => {
      time.advance(ms);
      if (pauses++ === 0) throw new Error("The script will never generate a response.");
    };
    return { server, options: { sleep, clock: time.clock } };
  };

  it("replaces a lost refresh once for all the callers sharing it", async () => {
    const { server, options } = losesFirstRefresh();
    const { manager } = managerWith(server.fetch, options);
    const callers = Array.from({ length: 100 }, () => manager.getToken());
    const tokens = await Promise.all(callers);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(["t2"]));
    expect(server.calls).toHaveLength(2);
  });

  it("keeps one wrapper per caller on workerd, where the recovery must run in a live request", async () => {
    vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" });
    try {
      const { server, options } = losesFirstRefresh();
      // A fetch of its own: a new engine, made while the runtime looks like workerd.
      const { manager } = managerWith((input, init) => server.fetch(input, init), options);
      const callers = Array.from({ length: 100 }, () => manager.getToken());
      expect(new Set(callers).size).toBe(100);
      const tokens = await Promise.all(callers);
      expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(["t2"]));
      expect(server.calls).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("rejects only the aborted caller and never cancels the shared request", async () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch);
    server.hold();
    const controller = new AbortController();
    const aborted = manager.getToken({ signal: controller.signal });
    const other = manager.getToken();
    await settle();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ code: "aborted" });
    server.release();
    expect((await other).accessToken).toBe("t1");
    expect(server.calls).toHaveLength(1);
  });
});

describe("failures", () => {
  it("retries transient failures with exponential backoff and full jitter", async () => {
    const server = scriptedFetch(
      json({}, 503),
      new TypeError("fetch failed"),
      json({}, 500),
      json(tokenBody("t1")),
    );
    const { manager, time, events } = managerWith(server.fetch);
    expect((await manager.getToken()).accessToken).toBe("t1");
    expect(server.calls).toHaveLength(4);
    // random() = 0.5: half of min(4 s, 250 ms × 2^n)
    expect(time.sleeps).toEqual([125, 250, 500]);
    expect(
      events.filter((e) => e.type === "fetch_failed").map((e) => (e as { code: string }).code),
    ).toEqual(["endpoint_error", "network_error", "endpoint_error"]);
  });

  it("honours Retry-After on 429 and gives up with rate_limited past the budget", async () => {
    const server = scriptedFetch(json({}, 429, { "retry-after": "2" }), json(tokenBody("t1")));
    const { manager, time } = managerWith(server.fetch);
    await manager.getToken();
    expect(time.sleeps).toEqual([2000]);

    const limited = scriptedFetch(json({ error: "slow_down" }, 429, { "retry-after": "120" }));
    const second = managerWith(limited.fetch);
    const error = await second.manager.getToken().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "rate_limited", status: 429, retryAfterMs: 120_000 });
    expect(limited.calls).toHaveLength(1);
  });

  it("bounds the total retry time", async () => {
    const server = scriptedFetch(json({}, 503));
    const { manager } = managerWith(server.fetch, {
      retry: { maxAttempts: 100, maxElapsedMs: 2_000, baseDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    await expect(manager.getToken()).rejects.toMatchObject({ code: "endpoint_error", status: 503 });
    expect(server.calls.length).toBeLessThanOrEqual(5);
  });

  it.each([
    [401, { error: "invalid_client" }],
    [403, { message: "forbidden" }],
    [400, { error: "invalid_grant", error_description: "Bad credentials" }],
    [400, { error: "unauthorized_client" }],
  ])(
    "never retries a credentials failure (%i) and remembers it for a burst of callers",
    async (status, body) => {
      const server = scriptedFetch(json(body, status), json(tokenBody("t1")));
      const { manager, time } = managerWith(server.fetch);
      const error = await manager.getToken().catch((e: unknown) => e);
      expect(AuthError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "invalid_credentials", status });
      const burst = await Promise.allSettled(Array.from({ length: 20 }, () => manager.getToken()));
      expect(burst.every((r) => r.status === "rejected")).toBe(true);
      expect(server.calls).toHaveLength(1);
      time.advance(60_001);
      expect((await manager.getToken()).accessToken).toBe("t1");
      expect(server.calls).toHaveLength(2);
    },
  );

  it("never re-sends failed credentials to a provider that locks accounts", async () => {
    const server = scriptedFetch(json({ error: "invalid_grant" }, 400), json(tokenBody("t1")));
    const { manager, time, events } = managerWith(server.fetch, {
      exchange: { ...oauthExchange, lockoutAfter: 3 },
    });
    await expect(manager.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    for (const wait of [60_001, 3_600_000, 86_400_000]) {
      time.advance(wait);
      await expect(manager.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    }
    expect(server.calls).toHaveLength(1);
    expect(events.filter((e) => e.type === "credentials_failure_remembered")).toHaveLength(3);
  });

  it("does not retry other client errors, and says what the provider said", async () => {
    const server = scriptedFetch(
      json({ error: "invalid_request", error_description: "Missing grant type" }, 400),
    );
    const { manager } = managerWith(server.fetch);
    const error = (await manager.getToken().catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe("endpoint_error");
    expect(error.message).toContain("invalid_request: Missing grant type");
    expect(server.calls).toHaveLength(1);
  });

  it("never caches a failure as a token", async () => {
    const server = scriptedFetch(
      new Response("<html>oops</html>", { status: 200 }),
      json(tokenBody("t1")),
    );
    const { manager } = managerWith(server.fetch);
    await expect(manager.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
    expect((await manager.getToken()).accessToken).toBe("t1");
  });

  it("keeps serving the valid token when a background refresh fails, backs off and reports it", async () => {
    const server = scriptedFetch(
      json(tokenBody("t1", 3600)),
      json({}, 401),
      json(tokenBody("t2", 3600)),
    );
    const { manager, time, events } = managerWith(server.fetch);
    await manager.getToken();
    time.advance(3_100_000);
    expect((await manager.getToken()).accessToken).toBe("t1");
    await settle();
    expect(events.find((e) => e.type === "background_refresh_failed")).toMatchObject({
      code: "invalid_credentials",
    });
    for (let i = 0; i < 5; i++) {
      expect((await manager.getToken()).accessToken).toBe("t1");
      await settle();
    }
    expect(server.calls).toHaveLength(2);
  });
});

describe("refresh tokens", () => {
  it("renews with the refresh grant, keeps an omitted refresh token and takes a rotated one", async () => {
    const server = scriptedFetch(
      json(tokenBody("t1", 3600, { refresh_token: "r1" })),
      json(tokenBody("t2", 3600)),
      json(tokenBody("t3", 3600, { refresh_token: "r2" })),
      json(tokenBody("t4", 3600)),
    );
    const { manager } = managerWith(server.fetch, { exchange: refreshExchange });
    await manager.getToken();
    expect((await manager.getToken({ forceRefresh: true })).refreshToken).toBe("r1");
    expect((await manager.getToken({ forceRefresh: true })).refreshToken).toBe("r2");
    await manager.getToken({ forceRefresh: true });
    expect(server.calls.map((c) => c.form.grant_type)).toEqual([
      "client_credentials",
      "refresh_token",
      "refresh_token",
      "refresh_token",
    ]);
    expect(server.calls.map((c) => c.form.refresh_token)).toEqual([undefined, "r1", "r1", "r2"]);
  });

  it("falls back to the primary grant when the refresh grant is rejected", async () => {
    const server = scriptedFetch(
      json(tokenBody("t1", 3600, { refresh_token: "r1" })),
      json({ error: "invalid_grant" }, 400),
      json(tokenBody("t2", 3600, { refresh_token: "r9" })),
    );
    const { manager, events } = managerWith(server.fetch, { exchange: refreshExchange });
    await manager.getToken();
    const renewed = await manager.getToken({ forceRefresh: true });
    expect(renewed.accessToken).toBe("t2");
    expect(server.calls.map((c) => c.form.grant_type)).toEqual([
      "client_credentials",
      "refresh_token",
      "client_credentials",
    ]);
    expect(events.some((e) => e.type === "refresh_grant_rejected")).toBe(true);
  });
});

describe("invalidate and store", () => {
  it("drops the cached token only if it is still the one given", async () => {
    const server = scriptedFetch(
      json(tokenBody("t1")),
      json(tokenBody("t2")),
      json(tokenBody("t3")),
    );
    const { manager } = managerWith(server.fetch);
    await manager.getToken();
    await manager.invalidate("not-current");
    expect((await manager.getToken()).accessToken).toBe("t1");
    await manager.invalidate("t1");
    expect((await manager.getToken()).accessToken).toBe("t2");
    await manager.invalidate("t1");
    expect((await manager.getToken()).accessToken).toBe("t2");
  });

  it("shares tokens through a store under a key that holds no secret", async () => {
    const store = new MemoryTokenStore();
    const server = scriptedFetch(json(tokenBody("t1")));
    const a = managerWith(server.fetch, { store });
    const b = managerWith(server.fetch, { store });
    await a.manager.getToken();
    expect((await b.manager.getToken()).accessToken).toBe("t1");
    expect(server.calls).toHaveLength(1);
    // The client id only as a digest: the key is printed by JSON.stringify(auth).
    expect(a.manager.cacheKey).toBe(
      `https://auth.example.test/oauth/token|client_credentials||${createHash("sha256").update("clientId=client-1").digest("hex").slice(0, 32)}`,
    );
    expect(JSON.stringify(a.manager)).not.toMatch(/s3cret|client-1/);
  });

  it("never shares an entry with a manager that has the same client id and another secret", async () => {
    const store = new MemoryTokenStore();
    const server = scriptedFetch(json(tokenBody("for-a")), json(tokenBody("for-b")));
    const a = managerWith(server.fetch, { store });
    const b = managerWith(server.fetch, {
      store,
      credentials: { clientId: "client-1", clientSecret: "another" },
    });
    expect(a.manager.cacheKey).toBe(b.manager.cacheKey);
    expect((await a.manager.getToken()).accessToken).toBe("for-a");
    expect((await b.manager.getToken()).accessToken).toBe("for-b");
    expect(server.calls).toHaveLength(2);
    // b's invalidate cannot clear a's entry: a third manager with a's secret adopts a's token.
    await b.manager.invalidate();
    const c = managerWith(server.fetch, { store });
    expect((await c.manager.getToken()).accessToken).toBe("for-a");
    expect(server.calls).toHaveLength(2);
  });
});

describe("security", () => {
  it("encodes Basic credentials as UTF-8 and sends no secret anywhere else", async () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch, {
      credentials: { clientId: "cliënt", clientSecret: "pässwörd✓" },
      scope: "profile",
    });
    await manager.getToken();
    const header = server.calls[0]!.headers.authorization!;
    expect(Buffer.from(header.replace("Basic ", ""), "base64").toString("utf8")).toBe(
      "cliënt:pässwörd✓",
    );
    expect(server.calls[0]!.form).toEqual({ grant_type: "client_credentials", scope: "profile" });
  });

  it("rejects a colon in the client id when the manager is created, naming the option", () => {
    const server = scriptedFetch(json(tokenBody("t1")));
    expect(() =>
      managerWith(server.fetch, { credentials: { clientId: "a:b", clientSecret: "s" } }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringMatching(/^clientId contains ":"/),
      }),
    );
    expect(server.calls).toHaveLength(0);
  });

  it("requires https except on loopback, and names the option", () => {
    const base = { exchange: oauthExchange, credentials: { clientId: "c", clientSecret: "s" } };
    expect(() => createTokenManager({ ...base, baseUrl: "http://auth.example.test" })).toThrow(
      expect.objectContaining({ code: "insecure_url" }),
    );
    expect(() => createTokenManager({ ...base, baseUrl: "http://127.0.0.1:8080" })).not.toThrow();
    expect(() => createTokenManager({ ...base, baseUrl: "http://[::1]:8080" })).not.toThrow();
    expect(() =>
      createTokenManager({ ...base, baseUrl: "http://auth.example.test", allowInsecureHttp: true }),
    ).not.toThrow();
    expect(() => createTokenManager({ ...base, baseUrl: "not a url" })).toThrow(
      /baseUrl is not a URL: write it absolute, with its scheme/,
    );
    expect(() =>
      createTokenManager({ ...base, credentials: { clientId: "c" }, baseUrl: "https://x.test" }),
    ).toThrow(/clientSecret is required/);
  });

  it("never prints a secret, token or refresh token", async () => {
    const secret = "s3cret-value";
    const server = scriptedFetch(
      json(tokenBody("tok-VISIBLE", 3600, { refresh_token: "ref-VISIBLE" })),
      json({ error: "invalid_client", error_description: secret }, 401),
    );
    const { manager, events } = managerWith(server.fetch, { exchange: refreshExchange });
    const token = await manager.getToken();
    const printed = [
      inspect(manager),
      JSON.stringify(manager),
      inspect(token),
      JSON.stringify(token),
      JSON.stringify(events),
    ];
    const error = await manager.getToken({ forceRefresh: true }).catch((e: unknown) => e);
    printed.push(inspect(error), JSON.stringify(error), String(error), JSON.stringify(events));
    for (const text of printed) {
      expect(text).not.toContain("tok-VISIBLE");
      expect(text).not.toContain("ref-VISIBLE");
      expect(text).not.toContain("Basic ");
    }
    // The provider's own error_description is shown capped; our secret only leaks if the provider echoes it.
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(token.accessToken).toBe("tok-VISIBLE");
    // expiresAt prints as what it is (epoch ms), with the same instant labelled for people.
    const shown = JSON.parse(JSON.stringify(token)) as Record<string, unknown>;
    expect(shown.expiresAt).toBe(token.expiresAt);
    expect(shown.expiresAtIso).toBe(new Date(token.expiresAt).toISOString());
    expect(inspect(token)).toContain(`expiresAt: ${token.expiresAt}`);
  });

  it("names the root cause of a network failure, and says a baseUrl without a scheme is not a URL", async () => {
    const closed = await startServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const manager = createTokenManager({
      exchange: oauthExchange,
      credentials: { clientId: "c", clientSecret: "s" },
      baseUrl: url,
      retry: { maxAttempts: 1 },
    });
    const failure = (await manager.getToken().catch((e: unknown) => e)) as AuthError;
    expect(failure.message).toContain("(ECONNREFUSED)");
    expect(failure.code).toBe("network_error");
    expect(() =>
      createTokenManager({
        exchange: oauthExchange,
        credentials: { clientId: "c", clientSecret: "s" },
        baseUrl: "localhost:4010",
      }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("baseUrl is not a URL"),
      }),
    );
  });

  it("keeps response bodies out of errors beyond the OAuth fields", async () => {
    const server = scriptedFetch(
      new Response("<html><body>internal secret stack trace</body></html>", { status: 502 }),
    );
    const { manager } = managerWith(server.fetch, { retry: { maxAttempts: 1 } });
    const error = (await manager.getToken().catch((e: unknown) => e)) as AuthError;
    expect(error.code).toBe("endpoint_error");
    expect(error.message).not.toContain("stack trace");
    const long = scriptedFetch(json({ error: "x".repeat(5000) }, 400));
    const other = managerWith(long.fetch);
    const second = (await other.manager.getToken().catch((e: unknown) => e)) as AuthError;
    expect(second.oauthError!.length).toBe(200);
  });
});

describe("a shared request that can never settle (an edge runtime cancelled it)", () => {
  it("holds only the callers already waiting: past the longest live refresh, the next caller sends a new one", async () => {
    // The first request never answers and ignores its signal, like I/O a runtime cancelled under
    // it; its attempt timer is far off (in workerd it would be cancelled too).
    const server = scriptedFetch(() => new Promise<Response>(() => {}), json(tokenBody("t2")));
    const events: string[] = [];
    const { manager, time } = managerWith(server.fetch, {
      retry: { attemptTimeoutMs: 600_000, maxElapsedMs: 600_000 },
    });
    onTokenEvent(manager, (event) => events.push(event.type));
    const stuck = manager.getToken();
    let settled = false;
    void stuck.then(
      () => (settled = true),
      () => (settled = true),
    );
    await settle();
    // Within the longest a live refresh can take (2 × (600 s + 600 s)), callers share it.
    time.advance(2_399_000);
    const sharing = manager.getToken();
    await settle();
    expect(server.calls).toHaveLength(1);
    // Past it, the request is dropped and a new one sent.
    time.advance(2_000);
    const fresh = await manager.getToken();
    expect(fresh.accessToken).toBe("t2");
    expect(server.calls).toHaveLength(2);
    expect(events).toContain("stuck_request_dropped");
    expect(settled).toBe(false);
    await manager.close();
    await expect(stuck).rejects.toMatchObject({ code: "closed" });
    await expect(sharing).rejects.toMatchObject({ code: "closed" });
  });
});

describe("getToken({ background: false }): renewal only inline", () => {
  it("starts no background refresh inside the window, and renews inline past it", async () => {
    const server = scriptedFetch(json(tokenBody("t1", 3600)), json(tokenBody("t2", 3600)));
    const { manager, time } = managerWith(server.fetch);
    expect((await manager.getToken({ background: false })).accessToken).toBe("t1");
    time.advance(3_100_000); // inside the refresh-ahead window
    for (let i = 0; i < 10; i++)
      expect((await manager.getToken({ background: false })).accessToken).toBe("t1");
    await settle();
    expect(server.calls).toHaveLength(1);
    time.advance(490_000); // within the last 30 s: callers must wait for a new token
    expect((await manager.getToken({ background: false })).accessToken).toBe("t2");
    expect(server.calls).toHaveLength(2);
  });
});
