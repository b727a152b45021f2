/**
 * This file was auto-generated from specs/alternative-payments.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenExchange } from "@auth/core";
import type { paths } from "./schema.gen.js";

/** How Alternative Payments token API exchanges credentials for a token (from `x-token-exchange` in specs/alternative-payments.yaml). */
export const exchange = {
  provider: "alternative-payments",
  tokenPath: "/oauth/token",
  environments: {
    production: "https://public-api.alternativepayments.io",
    sandbox: "https://public-api.demo.alternativepayments.io",
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
  response: {
    accessToken: "access_token",
    tokenType: "token_type",
  },
  expiry: {
    kind: "relative-seconds",
    jwtExp: false,
    field: "expires_in",
  },
} as const satisfies TokenExchange;

/** @deprecated Renamed `exchange`: the name the spec (`x-token-exchange`) and `@auth/core` use. */
export const provider = exchange;

/** Body of a successful token response, as the spec's 200 response describes it. */
export type TokenResponse =
  paths["/oauth/token"]["post"]["responses"][200]["content"]["application/json"];

/** Form body of the token request, as the spec describes it. */
export type TokenRequestBody = NonNullable<
  paths["/oauth/token"]["post"]["requestBody"]
>["content"]["application/x-www-form-urlencoded"];

/** Error bodies the spec documents for the token operation, by status. */
export interface TokenErrorResponses {
  403: paths["/oauth/token"]["post"]["responses"][403] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  429: paths["/oauth/token"]["post"]["responses"][429] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  500: paths["/oauth/token"]["post"]["responses"][500] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
}
