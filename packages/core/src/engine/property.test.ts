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
const bodyText = fc.oneof(
  tokenLike.map((body) => JSON.stringify(body)),
  fc.json(),
  fc.string(),
  fc.constantFrom("", "null", "[]", "<html>error</html>", '{"access_token":'),
);
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
        fc.asyncProperty(
          status,
          bodyText,
          fc.option(fc.string(), { nil: undefined }),
          async (code, text, date) => {
            const now = 1_700_000_000_000;
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
          },
        ),
        {
          numRuns: 2500,
          examples: [
            [
              200,
              JSON.stringify({ access_token: "A", expires_in: 1.797693134862316e305 }),
              undefined,
            ],
          ],
        },
      );
    },
    120_000,
  );
});
