/**
 * This file was auto-generated from specs/interswitch.yaml by `pnpm generate`.
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
import { exchange, type TokenResponse, type TokenRequestBody } from "./provider.gen.js";
import type { paths } from "./schema.gen.js";

/** Credentials for Interswitch Passport token API. */
export interface InterswitchCredentials {
  /** Client id from the Interswitch developer console. */
  clientId: string;
  /** Secret key paired with the client id. Secret: never logged. */
  clientSecret: string;
}

/** Servers named in specs/interswitch.yaml. */
export type InterswitchEnvironment = "production" | "sandbox";

/** Options of `createAuth`: credentials, where the provider is, and every `@auth/core` option. */
export type CreateAuthOptions = InterswitchCredentials &
  ProviderAuthOptions & {
    /** Which server of the spec to use (default `production`). */
    environment?: InterswitchEnvironment;
    /** Overrides `environment` with another base URL. https, or http on loopback. */
    baseUrl?: string;
  };

// Compile-time checks: regenerating from a spec that no longer matches the exchange data fails here.
type _ResponseFieldsExist = Expect<
  Exclude<
    "access_token" | "token_type" | "scope" | "expires_in",
    KeysOfUnion<TokenResponse>
  > extends never
    ? true
    : false
>;
type _BodyFieldsExist = Expect<
  Exclude<"grant_type" | "scope", KeysOfUnion<TokenRequestBody>> extends never ? true : false
>;
type _GrantAllowed = Expect<
  "client_credentials" extends TokenRequestBody["grant_type"] ? true : false
>;

/** Sends the token request through openapi-fetch with the spec's types; core reads the raw Response. */
const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  await createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch }).POST(
    "/passport/oauth/token",
    { ...tokenRequestInit(request), body: request.form as TokenRequestBody },
  );
  return capture.response();
};

/**
 * Creates a token manager for Interswitch Passport token API: cached tokens, renewed ahead of expiry, one request for
 * concurrent callers, credentials failures never retried.
 *
 * @example
 * import { createAuth } from "@auth/interswitch";
 * const auth = createAuth({ clientId: process.env.INTERSWITCH_CLIENT_ID!, clientSecret: process.env.INTERSWITCH_CLIENT_SECRET!, environment: "sandbox" });
 * const header = await auth.getAuthorizationHeader();
 */
export const createAuth: (options: CreateAuthOptions) => TokenManager<TokenResponse> =
  defineProviderAuth<CreateAuthOptions, TokenResponse>(exchange, send);
