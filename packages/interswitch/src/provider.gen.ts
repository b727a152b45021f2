/**
 * This file was auto-generated from specs/interswitch.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenExchange } from "@auth/core";
import type { paths } from "./schema.gen.js";

/** How Interswitch Passport token API exchanges credentials for a token (from `x-token-exchange` in specs/interswitch.yaml). */
export const exchange = {
  provider: "interswitch",
  tokenPath: "/passport/oauth/token",
  environments: {
    production: "https://passport.interswitchng.com",
    sandbox: "https://passport.k8.isw.la",
  },
  credentials: [
    {
      name: "clientId",
      secret: false,
      required: true,
      in: "basic",
      part: "username",
    },
    {
      name: "clientSecret",
      secret: true,
      required: true,
      in: "basic",
      part: "password",
    },
  ],
  grant: "client_credentials",
  scopeField: "scope",
  response: {
    accessToken: "access_token",
    tokenType: "token_type",
    scope: "scope",
  },
  expiry: {
    kind: "relative-seconds",
    jwtExp: true,
    field: "expires_in",
  },
} as const satisfies TokenExchange;

/** @deprecated Renamed `exchange`: the name the spec (`x-token-exchange`) and `@auth/core` use. */
export const provider = exchange;

/** Body of a successful token response, as the spec's 200 response describes it. */
export type TokenResponse =
  paths["/passport/oauth/token"]["post"]["responses"][200]["content"]["application/json"];

/** Form body of the token request, as the spec describes it. */
export type TokenRequestBody = NonNullable<
  paths["/passport/oauth/token"]["post"]["requestBody"]
>["content"]["application/x-www-form-urlencoded"];

/** Error bodies the spec documents for the token operation, by status. */
export interface TokenErrorResponses {
  400: paths["/passport/oauth/token"]["post"]["responses"][400] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  401: paths["/passport/oauth/token"]["post"]["responses"][401] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  500: paths["/passport/oauth/token"]["post"]["responses"][500] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
}
