import { AuthError, authMiddleware, onTokenEvent } from "@auth/core";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { providers, startSandbox, type ProviderId, type Sandbox } from "../src/index.js";
import { packages } from "./packages.gen.js";
import { otherKey } from "./keys.js";

/**
 * Every generated package, run through the same scenarios against the sandbox. The list is
 * generated from specs/: a new spec is covered here without editing this file.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

/** Providers whose client mints its own tokens: no token endpoint (tested on their own below). */
const isMinted = (id: string) =>
  providers.find((p) => p.id === id)!.exchange.assertion?.use === "token";
const ids = Object.keys(packages) as ProviderId[];

/**
 * The lifetime the client will see: the sandbox's, unless the spec states one and the response
 * carries none (then the client knows only the stated one).
 */
function lifetimeSecondsOf(id: ProviderId): number {
  const expiry = providers.find((p) => p.id === id)!.exchange.expiry;
  return expiry?.field === undefined && expiry?.lifetimeSeconds !== undefined
    ? expiry.lifetimeSeconds
    : 3600;
}

/** A provider as each test starts it: unlocked, its lifetime, counts at zero (its faults are kept). */
function resetProvider(id: ProviderId): void {
  sandbox.unlock(id);
  sandbox.configure(id, { lifetimeSeconds: lifetimeSecondsOf(id), includeExpiry: true });
  Object.assign(sandbox.stats[id], {
    tokenRequests: 0,
    tokensIssued: 0,
    refreshGrants: 0,
    credentialFailures: 0,
  });
}

describe.each(ids.filter((id) => !isMinted(id)))(
  "%s end to end through its generated package",
  (id) => {
    const exchange = providers.find((p) => p.id === id)!.exchange;
    const lifetimeSeconds = lifetimeSecondsOf(id);
    const lifetimeMs = lifetimeSeconds * 1000;
    // core's refresh-ahead window: 25 % of the lifetime within [30 s, 10 min], ±10 % jitter.
    const aheadMs = Math.min(600_000, Math.max(30_000, lifetimeMs / 4));
    let offset = 0;
    const sleeps: number[] = [];
    const create = (overrides: Record<string, unknown> = {}) =>
      packages[id]!.createAuth({
        ...sandbox.credentials[id],
        baseUrl: sandbox.baseUrls[id],
        clock: () => Date.now() + offset,
        sleep: async (ms: number) => void sleeps.push(ms),
        // Generous: a loaded machine may answer slowly. The latency test sets its own.
        retry: { attemptTimeoutMs: 10_000 },
        ...overrides,
      } as never);
    const stats = () => sandbox.stats[id];

    beforeEach(() => {
      offset = 0;
      sleeps.length = 0;
      sandbox.faults.clear();
      resetProvider(id);
    });

    it("gets a first token, then serves it from cache", async () => {
      const auth = create();
      const token = await auth.getToken();
      expect(token.accessToken.length).toBeGreaterThan(10);
      // The token type the provider documents (Bearer when the spec maps none), and API calls
      // carry the scheme the spec states, else that type.
      if (exchange.response.tokenType === undefined) expect(token.tokenType).toBe("Bearer");
      else expect(token.tokenType).toMatch(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/);
      const { scheme = token.tokenType, template, encoding } = exchange.presentation ?? {};
      // A value built around the token (`{companyId}:{token}`, base64) from the same credentials.
      const filled =
        template?.replace(/\{([^{}=]*)(?:=([^{}]*))?\}/g, (_, name: string, fallback?: string) =>
          name === "token"
            ? token.accessToken
            : (sandbox.credentials[id] as Record<string, string>)[name] || fallback || "",
        ) ?? token.accessToken;
      const written = encoding === "base64" ? Buffer.from(filled).toString("base64") : filled;
      expect(await auth.getAuthorizationHeader()).toBe(
        scheme === "" ? written : `${scheme} ${written}`,
      );
      expect(token.expiresAt).toBeGreaterThan(Date.now() + lifetimeMs - 100_000);
      expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + lifetimeMs);
      for (let i = 0; i < 100; i++)
        expect((await auth.getToken()).accessToken).toBe(token.accessToken);
      expect(stats().tokenRequests).toBe(1);
    });

    it("refreshes in the background ahead of expiry, then serves the new token", async () => {
      const events: string[] = [];
      const auth = create();
      onTokenEvent(auth, (event) => events.push(event.type));
      const first = await auth.getToken();
      offset = lifetimeMs - 0.85 * aheadMs; // inside the refresh-ahead window, whatever the jitter
      expect((await auth.getToken()).accessToken).toBe(first.accessToken);
      await expect.poll(() => events.includes("refreshed_in_background")).toBe(true);
      const second = await auth.getToken();
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(stats().tokenRequests).toBe(2);
    });

    it("waits for a new token once the old one is about to expire", async () => {
      const auth = create();
      const first = await auth.getToken();
      offset = lifetimeMs - 10_000;
      const second = await auth.getToken();
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.expiresAt).toBeGreaterThan(first.expiresAt);
    });

    it("sends one upstream request for 1,000 concurrent callers", async () => {
      const auth = create();
      const tokens = await Promise.all(Array.from({ length: 1000 }, () => auth.getToken()));
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
      expect(stats().tokenRequests).toBe(1);
    });

    it("fails bad credentials with a typed error, once, and never locks the account", async () => {
      const exchange = providers.find((p) => p.id === id)!.exchange;
      const secret = exchange.credentials.find((c) => c.secret)!.name;
      // A signing key is wrong when it is another valid key: the provider refuses its signature.
      const wrong =
        secret === exchange.assertion?.key ? otherKey(exchange.assertion.alg) : "wrong-value";
      const auth = create({ [secret]: wrong });
      const errors = await Promise.all(
        Array.from({ length: 5 }, () => auth.getToken().catch((e: unknown) => e)),
      );
      for (const error of errors) {
        expect(AuthError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ code: "invalid_credentials" });
        expect(String(error)).not.toContain(wrong.split("\n")[1] ?? wrong);
      }
      // Later bursts are answered from the remembered failure, not by re-sending bad credentials.
      for (let i = 0; i < 5; i++) await auth.getToken().catch(() => undefined);
      expect(stats().credentialFailures).toBe(1);
      expect(stats().locked).toBe(false);
      expect((await create().getToken()).accessToken).toBeTruthy();
    });

    it.each([
      ["a 503", { type: "status", status: 503 }],
      ["a 500", { type: "status", status: 500 }],
      ["an HTML 502 page", { type: "html" }],
      ["a connection reset", { type: "reset" }],
      ["a 429 with Retry-After", { type: "rate-limit", retryAfterSeconds: 2 }],
    ] as const)("recovers from %s by retrying", async (_name, fault) => {
      sandbox.faults.inject(id, fault, { times: 1 });
      const token = await create().getToken();
      expect(token.accessToken).toBeTruthy();
      expect(stats().tokenRequests).toBe(2);
      if (fault.type === "rate-limit") expect(sleeps).toEqual([2_000]);
    });

    it("recovers from a garbage body on the next call, caching nothing bad", async () => {
      sandbox.faults.inject(id, { type: "garbage" }, { times: 1 });
      const auth = create();
      await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_token_response" });
      expect((await auth.getToken()).accessToken).toBeTruthy();
    });

    it("replays an API call once with a new token after a 401 (middleware)", async () => {
      const auth = create();
      const client = createClient<{
        "/api/ping": {
          get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
        };
      }>({
        baseUrl: sandbox.baseUrls[id]!,
      });
      client.use(authMiddleware(auth));
      expect((await client.GET("/api/ping")).response.status).toBe(200);
      sandbox.revokeTokens(id);
      const { data, response } = await client.GET("/api/ping");
      expect(response.status).toBe(200);
      expect(data).toEqual({ provider: id, ok: true });
      // One new token (enkash first tries its now-revoked refresh token, then the password grant).
      expect(stats().tokensIssued).toBe(2);
    });
  },
);

/**
 * Latency past the attempt timeout costs real time: the sandbox holds the answer 1.5 s and the
 * client gives up after 1 s. Each provider's case touches only its own faults, lockout and stats,
 * so they run side by side (21 providers: about 2 s instead of 32 s one after another).
 */
describe.concurrent("recovery from latency past the attempt timeout, by retrying", () => {
  it.for(ids.filter((id) => !isMinted(id)))("%s", async (id, { expect }) => {
    resetProvider(id);
    const stats = sandbox.stats[id];
    sandbox.faults.inject(id, { type: "latency", ms: 1_500 }, { times: 1 });
    const auth = packages[id]!.createAuth({
      ...sandbox.credentials[id],
      baseUrl: sandbox.baseUrls[id],
      sleep: async () => undefined,
      retry: { attemptTimeoutMs: 1_000 },
    } as never);
    expect((await auth.getToken()).accessToken).toBeTruthy();
    // A loaded machine may also time out the retry once; what matters is that it recovered.
    expect(stats.tokenRequests).toBeGreaterThanOrEqual(2);
    // The abandoned slow request is still answered (with a token) after the client gave up on
    // it: wait for it, so its token is not counted by another test.
    await expect.poll(() => stats.tokensIssued, { timeout: 30_000 }).toBe(stats.tokenRequests);
    await auth.close();
  });
});

const mintedIds = ids.filter(isMinted);
if (mintedIds.length > 0)
  describe.each(mintedIds)(
    "%s end to end through its generated package (a token the client mints)",
    (id) => {
      const create = (overrides: Record<string, unknown> = {}, now = () => Date.now()) =>
        packages[id]!.createAuth({
          ...sandbox.credentials[id],
          baseUrl: sandbox.baseUrls[id],
          clock: now,
          ...overrides,
        } as never);
      const ping = async (auth: ReturnType<typeof create>) => {
        const client = createClient<{
          "/api/ping": {
            get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
          };
        }>({ baseUrl: sandbox.baseUrls[id]! });
        client.use(authMiddleware(auth));
        return client.GET("/api/ping");
      };

      it("signs a token the API accepts, sends no token request, and keeps it until shortly before its exp", async () => {
        const exchange = providers.find((p) => p.id === id)!.exchange;
        const lifetimeMs = exchange.assertion!.lifetimeSeconds * 1000;
        let offset = 0;
        const auth = create({}, () => Date.now() + offset);
        const requestsBefore = sandbox.stats[id].tokenRequests;
        const first = await auth.getToken();
        expect((await ping(auth)).response.status).toBe(200);
        expect(first.expiresAt).toBeGreaterThan(Date.now() + lifetimeMs - 60_000);
        offset = lifetimeMs / 2;
        expect((await auth.getToken()).accessToken).toBe(first.accessToken);
        offset = lifetimeMs - 5_000;
        const second = await auth.getToken();
        expect(second.accessToken).not.toBe(first.accessToken);
        expect(sandbox.stats[id].tokenRequests).toBe(requestsBefore);
      });

      it("is refused by the API when signed by another key, and replays once after a revocation", async () => {
        const exchange = providers.find((p) => p.id === id)!.exchange;
        const forged = create({ [exchange.assertion!.key]: otherKey(exchange.assertion!.alg) });
        expect((await ping(forged)).response.status).toBe(401);
        const auth = create();
        expect((await ping(auth)).response.status).toBe(200);
        sandbox.revokeTokens(id);
        const { data, response } = await ping(auth);
        expect(response.status).toBe(200);
        expect(data).toEqual({ provider: id, ok: true });
      });
    },
  );
