/**
 * This file was auto-generated from specs/manis.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenExchange } from "@auth/core";
import type { paths } from "./schema.gen.js";

/** How Manis Unified API token endpoint exchanges credentials for a token (from `x-token-exchange` in specs/manis.yaml). */
export const exchange = {
  provider: "manis",
  tokenPath: "/api/v1/auth/token",
  credentials: [
    {
      name: "merchantId",
      secret: false,
      required: true,
      in: "header",
      header: "x-merchant-id",
    },
    {
      name: "secret",
      secret: true,
      required: true,
      in: "header",
      header: "x-secret",
    },
  ],
  response: {
    accessToken: "token",
    tokenType: "tokenType",
  },
  expiry: {
    kind: "absolute-auto",
    jwtExp: false,
    field: "expiresAt",
  },
} as const satisfies TokenExchange;

/** @deprecated Renamed `exchange`: the name the spec (`x-token-exchange`) and `@auth/core` use. */
export const provider = exchange;

/** Body of a successful token response, as the spec's 200 response describes it. */
export type TokenResponse =
  paths["/api/v1/auth/token"]["post"]["responses"][200]["content"]["application/json"];

/** Error bodies the spec documents for the token operation, by status. */
export interface TokenErrorResponses {
  400: paths["/api/v1/auth/token"]["post"]["responses"][400] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
  401: paths["/api/v1/auth/token"]["post"]["responses"][401] extends {
    content: { "application/json": infer Body };
  }
    ? Body
    : unknown;
}
