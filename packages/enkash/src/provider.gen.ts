/**
 * This file was auto-generated from specs/enkash.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenExchange } from "@auth/core";
import type { paths } from "./schema.gen.js";

/** How EnKash token API exchanges credentials for a token (from `x-token-exchange` in specs/enkash.yaml). */
export const exchange = {
  provider: "enkash",
  tokenPath: "/oauth/token",
  environments: {
    production: "https://api.enkash.in",
    sandbox: "https://ekpayout-uat.enkash.in",
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
    {
      name: "username",
      secret: false,
      required: true,
      in: "body",
      field: "username",
    },
    {
      name: "password",
      secret: true,
      required: true,
      in: "body",
      field: "password",
    },
    {
      name: "companyId",
      secret: false,
      required: false,
      in: "body",
      field: "clientId",
    },
  ],
  grant: "password",
  refreshGrant: "refresh_token",
  response: {
    accessToken: "access_token",
    tokenType: "token_type",
    refreshToken: "refresh_token",
    scope: "scope",
  },
  expiry: {
    kind: "relative-seconds",
    jwtExp: false,
    field: "expires_in",
  },
  lockoutAfter: 3,
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
  400: paths["/oauth/token"]["post"]["responses"][400] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  401: paths["/oauth/token"]["post"]["responses"][401] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
}
