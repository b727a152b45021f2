import createClient from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import {
  AuthError,
  authMiddleware,
  createTokenManager,
  onTokenEvent,
  type TokenEvent,
  type TokenManager,
  type TokenSet,
} from "./index.js";
import { defineProviderAuth } from "./provider.js";
import { oauthExchange } from "./test-support/harness.js";

interface Raw {
  access_token: string;
  expires_in: number;
}

describe("types", () => {
  const manager = createTokenManager<Raw>({
    exchange: oauthExchange,
    credentials: { clientId: "c", clientSecret: "s" },
    baseUrl: "https://x.test",
  });

  it("types raw from the provider's response", () => {
    expectTypeOf(manager.getToken()).resolves.toEqualTypeOf<TokenSet<Raw>>();
    expectTypeOf<TokenSet<Raw>["raw"]["expires_in"]>().toEqualTypeOf<number>();
    expectTypeOf(manager.getAuthorizationHeader()).resolves.toBeString();
  });

  it("is an openapi-fetch middleware", () => {
    const client = createClient<Record<string, never>>({ baseUrl: "https://api.test" });
    client.use(authMiddleware(manager));
  });

  it("subscribes to events with onTokenEvent, not an option or a method", () => {
    const stop = onTokenEvent(manager, (event) => {
      expectTypeOf(event).toEqualTypeOf<TokenEvent>();
      if (event.type === "fetch_failed")
        expectTypeOf(event.retryInMs).toEqualTypeOf<number | undefined>();
    });
    expectTypeOf(stop).toEqualTypeOf<() => void>();
    createTokenManager({
      exchange: oauthExchange,
      credentials: {},
      baseUrl: "https://x.test",
      // @ts-expect-error the onEvent option was removed
      onEvent: () => undefined,
    });
    // @ts-expect-error TokenManager.on() was removed
    void manager.on;
  });

  it("rejects wrong options", () => {
    // @ts-expect-error baseUrl is required
    createTokenManager({ exchange: oauthExchange, credentials: {} });
    const url = "https://x.test";
    // @ts-expect-error credentials are strings
    createTokenManager({ exchange: oauthExchange, credentials: { clientId: 1 }, baseUrl: url });
    // @ts-expect-error unknown getToken option
    void manager.getToken({ force: true });
  });

  it("narrows errors by code", () => {
    const error: unknown = new Error();
    if (AuthError.isInstance(error)) {
      expectTypeOf(error.code).toEqualTypeOf<
        | "invalid_credentials"
        | "rate_limited"
        | "endpoint_error"
        | "invalid_token_response"
        | "network_error"
        | "timeout"
        | "redirect_refused"
        | "response_too_large"
        | "closed"
        | "aborted"
        | "insecure_url"
        | "invalid_options"
      >();
    }
  });

  it("builds a typed createAuth for a provider", () => {
    const createAuth = defineProviderAuth<
      { clientId: string; clientSecret: string; environment?: "production" },
      Raw
    >(oauthExchange, async () => new Response());
    expectTypeOf(createAuth).returns.toEqualTypeOf<TokenManager<Raw>>();
    // @ts-expect-error missing clientSecret
    createAuth({ clientId: "c" });
  });
});
