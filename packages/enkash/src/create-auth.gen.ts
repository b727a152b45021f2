/**
 * This file was auto-generated from specs/enkash.yaml by `pnpm generate`.
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

/** Credentials for EnKash token API. */
export interface EnkashCredentials {
  /** OAuth client id issued by EnKash. */
  clientId: string;
  /** OAuth client secret issued by EnKash. Secret: never logged. */
  clientSecret: string;
  /** Partner's registered mobile number or e-mail. */
  username: string;
  /** Partner's password. Three failed logins lock the account. Secret: never logged. */
  password: string;
  /** Company id (`CEK…`), sent as the `clientId` form field. Sibling EnKash token endpoints require it; unverified for this one. */
  companyId?: string;
}

/** Servers named in specs/enkash.yaml. */
export type EnkashEnvironment = "production" | "sandbox";

/** Options of `createAuth`: credentials, where the provider is, and every `@auth/core` option. */
export type CreateAuthOptions = EnkashCredentials &
  ProviderAuthOptions & {
    /** Which server of the spec to use (default `production`). */
    environment?: EnkashEnvironment;
    /** Overrides `environment` with another base URL. https, or http on loopback. */
    baseUrl?: string;
  };

// Compile-time checks: regenerating from a spec that no longer matches the exchange data fails here.
type _ResponseFieldsExist = Expect<
  Exclude<
    "access_token" | "token_type" | "refresh_token" | "scope" | "expires_in",
    KeysOfUnion<TokenResponse>
  > extends never
    ? true
    : false
>;
type _BodyFieldsExist = Expect<
  Exclude<
    "grant_type" | "refresh_token" | "username" | "password" | "clientId",
    KeysOfUnion<TokenRequestBody>
  > extends never
    ? true
    : false
>;
type _GrantAllowed = Expect<"password" extends TokenRequestBody["grant_type"] ? true : false>;
type _RefreshGrantAllowed = Expect<
  "refresh_token" extends TokenRequestBody["grant_type"] ? true : false
>;

/** Sends the token request through openapi-fetch with the spec's types; core reads the raw Response. */
const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  await createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch }).POST(
    "/oauth/token",
    { ...tokenRequestInit(request), body: request.form as TokenRequestBody },
  );
  return capture.response();
};

/**
 * Creates a token manager for EnKash token API: cached tokens, renewed ahead of expiry, one request for
 * concurrent callers, credentials failures never retried.
 *
 * @example
 * import { createAuth } from "@auth/enkash";
 * const auth = createAuth({ clientId: process.env.ENKASH_CLIENT_ID!, clientSecret: process.env.ENKASH_CLIENT_SECRET!, username: process.env.ENKASH_USERNAME!, password: process.env.ENKASH_PASSWORD!, companyId: process.env.ENKASH_COMPANY_ID!, environment: "sandbox" });
 * const header = await auth.getAuthorizationHeader();
 */
export const createAuth: (options: CreateAuthOptions) => TokenManager<TokenResponse> =
  defineProviderAuth<CreateAuthOptions, TokenResponse>(exchange, send);
