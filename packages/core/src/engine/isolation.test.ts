import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { TokenSet } from "../contract/token.js";
import { oauthExchange } from "../test-support/harness.js";
import { type EngineOptions, engineFor } from "./engine.js";
import { createTokenManager, type TokenManager } from "./manager.js";

/** How one tenant's account behaves at the provider. */
type Account = "healthy" | "bad-credentials" | "rate-limited" | "flaky";

interface Tenant {
  readonly clientId: string;
  readonly secret: string;
  readonly account: Account;
  readonly manager: TokenManager;
}

/**
 * A token endpoint that serves many merchants at once, written from what a provider does: it
 * authenticates each request by its Basic credentials, issues tokens naming the merchant, rejects
 * bad credentials (echoing the secret it got, as careless providers do), rate-limits and fails.
 */
function multiTenantEndpoint(accounts: Map<string, { secret: string; account: Account }>) {
  const requests = new Map<string, number>();
  let issued = 0;
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const basic = new Headers(init?.headers).get("authorization") ?? "";
    const [clientId = "", secret = ""] = atob(basic.replace(/^Basic /, "")).split(":");
    requests.set(clientId, (requests.get(clientId) ?? 0) + 1);
    const known = accounts.get(clientId);
    const reply = (status: number, body: object, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json", ...headers },
      });
    if (known === undefined || known.secret !== secret || known.account === "bad-credentials")
      return reply(401, { error: "invalid_client", error_description: `bad secret ${secret}` });
    if (known.account === "rate-limited")
      return reply(429, { error: "slow_down" }, { "retry-after": "30" });
    if (known.account === "flaky" && (requests.get(clientId)! & 1) === 1)
      return reply(503, { error: "temporarily_unavailable" });
    issued += 1;
    return reply(200, {
      access_token: `tok.${clientId}.${issued}`,
      token_type: "Bearer",
      expires_in: 600,
    });
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

type Operation =
  | { kind: "get"; tenant: number }
  | { kind: "burst"; tenants: number[] }
  | { kind: "force"; tenant: number }
  | { kind: "invalidate"; tenant: number }
  | { kind: "clear"; tenant: number }
  | { kind: "advance"; ms: number };

const operation = (tenants: number): fc.Arbitrary<Operation> => {
  const tenant = fc.integer({ min: 0, max: tenants - 1 });
  return fc.oneof(
    { weight: 4, arbitrary: tenant.map((t) => ({ kind: "get" as const, tenant: t })) },
    {
      weight: 2,
      arbitrary: fc
        .array(tenant, { minLength: 2, maxLength: 12 })
        .map((ts) => ({ kind: "burst" as const, tenants: ts })),
    },
    { weight: 1, arbitrary: tenant.map((t) => ({ kind: "force" as const, tenant: t })) },
    { weight: 1, arbitrary: tenant.map((t) => ({ kind: "invalidate" as const, tenant: t })) },
    { weight: 1, arbitrary: tenant.map((t) => ({ kind: "clear" as const, tenant: t })) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_000, max: 700_000 })
        .map((ms) => ({ kind: "advance" as const, ms })),
    },
  );
};

describe("property: tenants sharing one engine never see each other's state", () => {
  it("creates one engine for managers with the same options, another for other options", () => {
    const same: EngineOptions = {
      baseUrl: "https://auth.example.com",
      allowInsecureHttp: undefined,
      fetch: undefined,
      send: undefined,
      timing: undefined,
      retry: undefined,
      storeTimeoutMs: undefined,
      maxResponseBytes: undefined,
      clock: undefined,
      random: undefined,
      sleep: undefined,
    };
    const engine = (options: EngineOptions) => engineFor(oauthExchange, options);
    expect(engine({ ...same })).toBe(engine({ ...same }));
    // Each option in turn (the list is typed, so a new option joins it): a manager with any one
    // option different never gets this engine.
    const other: EngineOptions = {
      baseUrl: "https://other.example.com",
      allowInsecureHttp: true,
      fetch: async () => new Response(),
      send: async () => new Response(),
      timing: {},
      retry: {},
      storeTimeoutMs: 5,
      maxResponseBytes: 1024,
      clock: () => 0,
      random: () => 0,
      sleep: async () => undefined,
    };
    for (const name of Object.keys(same) as (keyof EngineOptions)[])
      expect(engine({ ...same, [name]: other[name] }), name).not.toBe(engine({ ...same }));
  });

  it("holds for any mix of accounts and any schedule of calls, at every N", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Account>("healthy", "bad-credentials", "rate-limited", "flaky"), {
          minLength: 2,
          maxLength: 24,
        }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        async (accountsByIndex, seed) => {
          let now = 1_700_000_000_000;
          const clock = () => now;
          const sleep = () => Promise.resolve();
          const accounts = new Map<string, { secret: string; account: Account }>();
          const endpoint = multiTenantEndpoint(accounts);
          // One set of options for every tenant: they share one engine (see the test above). The
          // provider locks an account after three failed logins, so a failure is never re-sent.
          const shared = {
            exchange: { ...oauthExchange, lockoutAfter: 3 },
            baseUrl: "https://auth.example.com",
            fetch: endpoint.fetch,
            clock,
            sleep,
            random: () => 0.5,
          };
          const tenants: Tenant[] = accountsByIndex.map((account, i) => {
            const clientId = `merchant-${i}`;
            const secret = `sk_live_${seed.toString(36)}_${i}_${"s".repeat(i % 5)}`;
            accounts.set(clientId, { secret, account });
            const manager = createTokenManager({
              ...shared,
              credentials: { clientId, clientSecret: secret },
            });
            return { clientId, secret, account, manager };
          });
          /** Requests the endpoint had seen from each tenant at its last clearCredentialsFailure(). */
          const sentBeforeClear = new Map<string, number>();

          const check = (tenant: Tenant, outcome: TokenSet | unknown) => {
            const others = tenants.filter((t) => t !== tenant);
            if (outcome instanceof Error) {
              expect(AuthError.isInstance(outcome)).toBe(true);
              const error = outcome as AuthError;
              const printed = `${error.message} ${String(error.oauthErrorDescription)} ${error.stack}`;
              // Its own secret is redacted; no other tenant's secret can be in it at all.
              expect(printed).not.toContain(tenant.secret);
              for (const other of others) expect(printed).not.toContain(other.secret);
              // A healthy tenant never inherits another's credentials failure or cooldown.
              if (tenant.account === "healthy") expect.fail(`healthy tenant failed: ${error.code}`);
              // A flaky or rate-limited account is never mistaken for bad credentials.
              if (tenant.account !== "bad-credentials")
                expect(error.code).not.toBe(AuthErrorCode.InvalidCredentials);
              else expect(error.code).toBe(AuthErrorCode.InvalidCredentials);
              return;
            }
            const token = outcome as TokenSet;
            // A token is always one issued for this tenant's own credentials.
            expect(token.accessToken.startsWith(`tok.${tenant.clientId}.`)).toBe(true);
            expect(tenant.account === "bad-credentials" || tenant.account === "rate-limited").toBe(
              false,
            );
          };
          const get = async (tenant: Tenant, forceRefresh = false) => {
            const outcome = await tenant.manager
              .getToken({ forceRefresh })
              .catch((error: unknown) => error);
            check(tenant, outcome);
          };

          const schedule = fc.sample(
            fc.array(operation(tenants.length), { minLength: 5, maxLength: 40 }),
            { seed, numRuns: 1 },
          )[0]!;
          for (const op of schedule) {
            switch (op.kind) {
              case "get":
                await get(tenants[op.tenant]!);
                break;
              case "force":
                await get(tenants[op.tenant]!, true);
                break;
              case "burst":
                await Promise.all(op.tenants.map((t) => get(tenants[t]!)));
                break;
              case "invalidate":
                await tenants[op.tenant]!.manager.invalidate();
                break;
              case "clear":
                await tenants[op.tenant]!.manager.clearCredentialsFailure();
                // A cleared failure may be sent once more: count from here.
                sentBeforeClear.set(
                  tenants[op.tenant]!.clientId,
                  endpoint.requests.get(tenants[op.tenant]!.clientId) ?? 0,
                );
                break;
              case "advance":
                now += op.ms;
                break;
            }
            // A credentials failure is never retried: at most one request per clear, whatever
            // every other tenant is doing.
            for (const tenant of tenants.filter((t) => t.account === "bad-credentials"))
              expect(
                (endpoint.requests.get(tenant.clientId) ?? 0) -
                  (sentBeforeClear.get(tenant.clientId) ?? 0),
              ).toBeLessThanOrEqual(1);
          }
          // After the schedule, every healthy tenant still gets its own token at once.
          for (const tenant of tenants.filter((t) => t.account === "healthy")) await get(tenant);
          await Promise.all(tenants.map((t) => t.manager.close()));
        },
      ),
      { numRuns: 60 },
    );
  });
});
