import type { TokenManager, TokenSet } from "@auth/core";
import { createAuth as createAlternativePayments } from "@auth/alternative-payments";
import { createAuth as createEnkash, type TokenResponse as EnkashToken } from "@auth/enkash";
import {
  createAuth as createInterswitch,
  type TokenResponse as InterswitchToken,
} from "@auth/interswitch";
import { createAuth as createManis, type TokenResponse as ManisToken } from "@auth/manis";
import { describe, expectTypeOf, it } from "vitest";

describe("generated createAuth types", () => {
  it("types raw from the spec's 200 response", () => {
    const auth = createInterswitch({
      clientId: "id",
      clientSecret: "secret",
      environment: "sandbox",
    });
    expectTypeOf(auth).toEqualTypeOf<TokenManager<InterswitchToken>>();
    expectTypeOf(auth.getToken()).resolves.toEqualTypeOf<TokenSet<InterswitchToken>>();
    expectTypeOf<InterswitchToken["access_token"]>().toEqualTypeOf<string>();
    expectTypeOf<InterswitchToken["expires_in"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<ManisToken["expiresAt"]>().toEqualTypeOf<number>();
    expectTypeOf<EnkashToken["refresh_token"]>().toEqualTypeOf<string>();
  });

  it("rejects wrong response fields", () => {
    const token = {} as TokenSet<ManisToken>;
    // @ts-expect-error manis has no access_token field
    void token.raw.access_token;
    const other = {} as TokenSet<InterswitchToken>;
    // @ts-expect-error interswitch has no expiresAt field
    void other.raw.expiresAt;
  });

  it("takes credential names from the spec", () => {
    createEnkash({ clientId: "c", clientSecret: "s", username: "u", password: "p" });
    createEnkash({
      clientId: "c",
      clientSecret: "s",
      username: "u",
      password: "p",
      companyId: "CEK1",
    });
    createManis({ merchantId: "m", secret: "s", baseUrl: "https://manis.example" });
    // @ts-expect-error enkash needs username and password
    createEnkash({ clientId: "c", clientSecret: "s" });
    // @ts-expect-error wrong credential name (client_secret is not an option)
    createAlternativePayments({ clientId: "c", client_secret: "s" });
    // @ts-expect-error manis credentials are merchantId and secret
    createManis({ clientId: "c", clientSecret: "s", baseUrl: "https://manis.example" });
  });

  it("requires baseUrl for manis and checks environments elsewhere", () => {
    // @ts-expect-error manis has no published host: baseUrl is required
    createManis({ merchantId: "m", secret: "s" });
    // @ts-expect-error manis has no named environments
    createManis({ merchantId: "m", secret: "s", environment: "production" });
    // @ts-expect-error unknown environment
    createAlternativePayments({ clientId: "c", clientSecret: "s", environment: "staging" });
    createAlternativePayments({ clientId: "c", clientSecret: "s", environment: "sandbox" });
  });

  it("passes every core option through", () => {
    createInterswitch({
      clientId: "c",
      clientSecret: "s",
      scope: "profile",
      fetch: globalThis.fetch,
      timing: { refreshAheadRatio: 0.5 },
      retry: { maxAttempts: 2 },
      allowInsecureHttp: false,
    });
  });
});
