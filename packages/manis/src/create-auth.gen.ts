/**
 * This file was auto-generated from specs/manis.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

import type { TokenManager } from "@auth/core";
import {
  captureResponse,
  defineProviderAuth,
  type Expect,
  type KeysOfUnion,
  type ProviderAuthOptions,
  type TokenRequestSender,
  tokenRequestInit,
} from "@auth/core/provider";
import createClient from "openapi-fetch";
import { exchange, type TokenResponse } from "./provider.gen.js";
import type { paths } from "./schema.gen.js";

/** Credentials for Manis Unified API token endpoint. */
export interface ManisCredentials {
  /** The merchant's id. */
  merchantId: string;
  /** The merchant's secret. Secret: never logged. */
  secret: string;
}

/** Options of `createAuth`: credentials, where the provider is, and every `@auth/core` option. */
export type CreateAuthOptions = ManisCredentials &
  ProviderAuthOptions & {
    /** Base URL of the provider's API (required: the host is not published). https, or http on loopback. */
    baseUrl: string;
  };

// Compile-time checks: regenerating from a spec that no longer matches the exchange data fails here.
type _ResponseFieldsExist = Expect<
  Exclude<"token" | "tokenType" | "expiresAt", KeysOfUnion<TokenResponse>> extends never
    ? true
    : false
>;

/** Sends the token request through openapi-fetch with the spec's types; core reads the raw Response. */
const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  await createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch }).POST(
    "/api/v1/auth/token",
    tokenRequestInit(request),
  );
  return capture.response();
};

/**
 * Creates a token manager for Manis Unified API token endpoint: cached tokens, renewed ahead of expiry, one request for
 * concurrent callers, credentials failures never retried.
 *
 * @example
 * import { createAuth } from "@auth/manis";
 * const auth = createAuth({ merchantId: process.env.MANIS_MERCHANT_ID!, secret: process.env.MANIS_SECRET!, baseUrl: "https://your-host.example" });
 * const header = await auth.getAuthorizationHeader();
 */
export const createAuth: (options: CreateAuthOptions) => TokenManager<TokenResponse> =
  defineProviderAuth<CreateAuthOptions, TokenResponse>(exchange, send);
