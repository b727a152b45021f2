import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AuthError } from "../contract/errors.js";
import { createTokenManager } from "./manager.js";
import { oauthExchange } from "../test-support/harness.js";
import type { TokenExchange } from "../contract/exchange.js";

const absolute: TokenExchange = {
  ...oauthExchange,
  expiry: { field: "expires_in", kind: "absolute-auto" },
};

/** Bodies that look like token responses, with every field possibly wrong. */
const fieldValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
);
const tokenLike = fc.record(
  {
    access_token: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), fieldValue),
    token_type: fc.oneof(fc.constantFrom("bearer", "Bearer", "BEARER", "mac"), fieldValue),
    expires_in: fc.oneof(fc.integer({ min: -10, max: 10_000_000_000_000 }), fieldValue),
    refresh_token: fieldValue,
    scope: fieldValue,
  },
  { requiredKeys: [] },
);
/** Mostly token-shaped bodies (where the decisions are), some plain garbage. */
const bodyText = fc.oneof(
  { arbitrary: tokenLike.map((body) => JSON.stringify(body)), weight: 6 },
  { arbitrary: fc.json(), weight: 1 },
  { arbitrary: fc.string(), weight: 1 },
  {
    arbitrary: fc.constantFrom("", "null", "[]", "<html>error</html>", '{"access_token":'),
    weight: 1,
  },
);
/** A `Date` header: none, a real date up to 2 days off the clock, or garbage. */
const NOW = 1_700_000_000_000;
const dateHeader = fc.option(
  fc.oneof(
    fc
      .integer({ min: -172_800_000, max: 172_800_000 })
      .map((offset) => new Date(NOW + offset).toUTCString()),
    fc.string(),
  ),
  { nil: undefined },
);

/**
 * Reproducible: the seed and the number of cases are printed; PROPERTY_SEED and PROPERTY_RUNS
 * replay a failure (fast-check's message also names the seed and the failing path).
 */
const SEED = Number(process.env.PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.PROPERTY_RUNS ?? 600);
console.info(`property test: seed ${SEED}, ${RUNS} cases per expiry kind`);
const status = fc.constantFrom(
  200,
  200,
  200,
  201,
  204,
  301,
  400,
  401,
  403,
  404,
  408,
  429,
  500,
  502,
  503,
);

describe("property: any token response ends as a valid token or a typed error", () => {
  it.each([
    ["relative", oauthExchange],
    ["absolute", absolute],
  ] as const)(
    "%s expiry",
    async (_name, exchange) => {
      await fc.assert(
        fc.asyncProperty(status, bodyText, dateHeader, async (code, text, date) => {
          const now = NOW;
          const headers = new Headers({ "content-type": "application/json" });
          if (date !== undefined) headers.set("date", date);
          let calls = 0;
          const manager = createTokenManager({
            exchange,
            credentials: { clientId: "c", clientSecret: "s" },
            baseUrl: "https://auth.example.test",
            fetch: async () => {
              calls += 1;
              return new Response(code === 204 || code === 301 ? null : text, {
                status: code,
                headers,
              });
            },
            clock: () => now,
            sleep: async () => {},
            retry: { maxAttempts: 2 },
          });
          let token;
          try {
            token = await manager.getToken();
          } catch (error) {
            expect(AuthError.isInstance(error)).toBe(true);
            // A failure is never cached as a token: the next call asks again, or is answered by
            // what the manager remembers (a credentials failure, or a cooldown after a transient
            // failure, which says when to come back).
            const before = calls;
            const next = await manager.getToken().then(
              () => undefined,
              (e: unknown) => e as AuthError,
            );
            if (calls === before) {
              expect(AuthError.isInstance(next)).toBe(true);
              if (next!.code !== "invalid_credentials")
                expect(next!.retryAfterMs).toBeGreaterThan(0);
            }
            return;
          }
          expect(typeof token.accessToken).toBe("string");
          expect(token.accessToken).toMatch(/^[\x21-\x7e]+$/);
          expect(Number.isFinite(token.expiresAt)).toBe(true);
          expect(token.expiresAt).toBeGreaterThan(now);
          expect(token.tokenType).not.toMatch(/^bearer$/);
        }),
        {
          seed: SEED,
          numRuns: RUNS,
          // The cases that once broke something, always run.
          examples: [
            [
              200,
              JSON.stringify({ access_token: "A", expires_in: 1.797693134862316e305 }),
              undefined,
            ],
            [200, JSON.stringify({ access_token: "A", expires_in: "60" }), undefined],
            [200, JSON.stringify({ access_token: "A", expires_in: -1 }), undefined],
            [200, JSON.stringify({ access_token: "A\u0000B", expires_in: 60 }), undefined],
            [200, JSON.stringify({ access_token: "A", token_type: "bearer" }), "garbage"],
            [
              200,
              JSON.stringify({ access_token: "A", expires_in: NOW / 1000 + 60 }),
              new Date(0).toUTCString(),
            ],
            [401, JSON.stringify({ error: "invalid_client" }), undefined],
            [429, "", undefined],
          ],
        },
      );
    },
    120_000,
  );
});
