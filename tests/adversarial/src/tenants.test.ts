import * as enkash from "@auth/enkash";
import {
  AuthError,
  createTokenManager,
  MemoryTokenStore,
  type TokenExchange,
  type TokenManager,
} from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { core, enkashTarget, manisTarget, targets } from "./support/targets.js";

// Concern: many merchants' credentials in one process and one store. Client ids are not secrets
// (dashboards, logs, invoices): a manager that knows another tenant's client id but not its secret
// must never get, wait on, overwrite or clear that tenant's token — and nothing a manager prints
// names a tenant's credentials.

/** A provider that issues each token for the secret it was asked with, and says which. */
let server: RudeServer;
const issuedFor = new Map<string, string>();
beforeAll(async () => {
  server = await startRudeServer((request, response, seen) => {
    const credentials = `${request.headers.authorization ?? ""}|${request.headers["x-secret"] ?? ""}|${new URLSearchParams(seen.body).get("password") ?? ""}`;
    const accessToken = `token-${issuedFor.size + 1}`;
    issuedFor.set(accessToken, credentials);
    const refresh = new URLSearchParams(seen.body).get("refresh_token");
    if (refresh !== null && issuedFor.get(refresh) !== credentials)
      return sendJson(response, 400, { error: "invalid_grant" });
    const body = {
      ...core.okBody(accessToken),
      ...manisTarget.okBody(accessToken),
      refresh_token: accessToken,
    };
    issuedFor.set(body.refresh_token, credentials);
    sendJson(response, 200, body);
  });
});
afterAll(() => server.close());

/** The same target, with every secret replaced by another value (same ids, same user name). */
function withOtherSecret(target: (typeof targets)[number]): Record<string, unknown> {
  if (target === core)
    return { credentials: { clientId: "plain-client", clientSecret: "other-client-secret" } };
  if (target === manisTarget) return { secret: "hs-another-merchant-secret" };
  if (target === enkashTarget) return { clientSecret: "other-cs", password: "other-pw" };
  return { clientSecret: "other-client-secret" };
}

describe.each(targets)("tenants sharing one MemoryTokenStore through $name", (target) => {
  it("a manager with the same ids and another secret never gets, overwrites or clears the other's token", async () => {
    const store = new MemoryTokenStore();
    const victim = target.create(server.url, { store });
    const attacker = target.create(server.url, { store, ...withOtherSecret(target) });
    expect(attacker.cacheKey).toBe(victim.cacheKey); // the same public identity
    const before = server.requests;
    const victimToken = (await victim.getToken()).accessToken;
    const attackerToken = (await attacker.getToken()).accessToken;
    expect(attackerToken).not.toBe(victimToken);
    expect(issuedFor.get(attackerToken)).not.toBe(issuedFor.get(victimToken));
    expect(server.requests).toBe(before + 2);
    // The attacker's invalidate clears only its own entry: a new manager with the victim's secret
    // still adopts the victim's token without a request.
    await attacker.invalidate();
    const again = target.create(server.url, { store });
    expect((await again.getToken()).accessToken).toBe(victimToken);
    expect(server.requests).toBe(before + 2);
    await Promise.all([victim.close(), attacker.close(), again.close()]);
  });

  it("a secret rotation (old and new both valid) behaves as two fleets: one request each", async () => {
    const store = new MemoryTokenStore();
    const before = server.requests;
    const managers = [
      ...Array.from({ length: 3 }, () => target.create(server.url, { store })),
      ...Array.from({ length: 3 }, () =>
        target.create(server.url, { store, ...withOtherSecret(target) }),
      ),
    ];
    for (const manager of managers) await manager.getToken();
    expect(server.requests - before).toBe(2);
    await Promise.all(managers.map((m) => m.close()));
  });

  it("prints no credential: cacheKey and JSON.stringify(auth) carry digests only", async () => {
    const auth = target.create(server.url);
    const printed = `${auth.cacheKey}\n${JSON.stringify(auth)}`;
    for (const value of [
      ...target.secrets,
      "plain-client",
      "ap-client",
      "ek-client",
      "partner@example.test",
      "merchant-1",
    ])
      expect(printed).not.toContain(value);
    await auth.close();
  });
});

it("EnKash: a manager with the victim's client id and user name never receives the victim's refresh token", async () => {
  const store = new MemoryTokenStore();
  const base = {
    clientId: "ek-client",
    username: "+919999999999",
    baseUrl: server.url,
    store,
    timing: { maxLifetimeMs: 86_400_000 },
  };
  const victim = enkash.createAuth({ ...base, clientSecret: "victim-cs", password: "victim-pw" });
  const attacker = enkash.createAuth({ ...base, clientSecret: "guess", password: "guess" });
  const victimSet = await victim.getToken();
  const attackerSet = await attacker.getToken();
  expect(attackerSet.refreshToken).not.toBe(victimSet.refreshToken);
  expect(JSON.stringify(attacker)).not.toContain("9999999999");
  await Promise.all([victim.close(), attacker.close()]);
});

describe("a credential a spec forgot to mark is secret", () => {
  const unmarked: TokenExchange = {
    provider: "unmarked",
    tokenPath: "/oauth/token",
    credentials: [
      { name: "apiKey", in: "header", header: "x-api-key", required: true },
      { name: "accountId", in: "header", header: "x-account", secret: false, required: true },
    ],
    response: { accessToken: "access_token" },
  };
  let auth: TokenManager;
  beforeAll(() => {
    auth = createTokenManager({
      exchange: unmarked,
      credentials: { apiKey: "unmarked-key-value", accountId: "acct-7" },
      baseUrl: server.url,
    });
  });
  afterAll(() => auth.close());

  it("keeps it out of cacheKey and JSON.stringify(auth), and redacts it from errors", async () => {
    expect(`${auth.cacheKey}${JSON.stringify(auth)}`).not.toMatch(/unmarked-key-value|acct-7/);
    server.handle((request, response) =>
      sendJson(response, 401, {
        error: "invalid_client",
        error_description: `bad key ${String(request.headers["x-api-key"])}`,
      }),
    );
    const error = await auth.getToken().catch((e: unknown) => e);
    expect(AuthError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).not.toContain("unmarked-key-value");
    expect(String((error as Error).message)).toContain("[redacted]");
  });
});

describe("options are exact and read as own properties", () => {
  it('refuses allowInsecureHttp: "false" (a string from an env file)', () => {
    for (const value of ["false", "true", 0, 1, null])
      expect(() => core.create("https://auth.example.test", { allowInsecureHttp: value })).toThrow(
        expect.objectContaining({ code: "invalid_options" }),
      );
  });

  it('refuses getToken({ forceRefresh: "false" }) instead of forcing a request', async () => {
    const auth = core.create(server.url);
    const before = server.requests;
    await expect(auth.getToken({ forceRefresh: "false" as never })).rejects.toMatchObject({
      code: "invalid_options",
    });
    expect(server.requests).toBe(before);
    await auth.close();
  });

  it("ignores a polluted Object.prototype", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.allowInsecureHttp = true;
    try {
      expect(() => core.create("http://auth.example.test")).toThrow(
        expect.objectContaining({ code: "insecure_url" }),
      );
    } finally {
      delete proto.allowInsecureHttp;
    }
  });

  it("never takes an Object.prototype property for an environment", () => {
    for (const environment of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      expect(() =>
        enkash.createAuth({
          clientId: "a",
          clientSecret: "b",
          username: "c",
          password: "d",
          environment: environment as never,
        }),
      ).toThrow(expect.objectContaining({ code: "invalid_options" }));
  });
});

describe("memory is bounded by live tokens", () => {
  it("a MemoryTokenStore that served 100,000 tenants over a day holds only the live ones", async () => {
    let now = 0;
    const store = new MemoryTokenStore({ clock: () => now });
    const dayMs = 86_400_000;
    const lifetimeMs = 3_600_000;
    for (let i = 0; i < 100_000; i++) {
      now = Math.floor((i * dayMs) / 100_000);
      await store.set(
        `tenant-${i}`,
        {
          accessToken: `t${i}`,
          tokenType: "Bearer",
          obtainedAt: now,
          expiresAt: now + lifetimeMs,
          raw: {},
        },
        lifetimeMs,
      );
    }
    // Live: the last hour's tenants (about 4,167), plus at most a minute's worth not yet swept.
    expect(store.size).toBeLessThan(4_167 + 100);
    expect(store.size).toBeGreaterThan(4_000);
    expect(await store.get("tenant-0")).toBeUndefined();
    expect((await store.get("tenant-99999"))?.accessToken).toBe("t99999");
  });
});
