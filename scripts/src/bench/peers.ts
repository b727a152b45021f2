import { createTokenManager, type TokenExchange } from "@auth/core";
import * as oauth from "oauth4webapi";
import * as openid from "openid-client";
import { ClientCredentials } from "simple-oauth2";
import { BENCH_CLIENT } from "./token-server.ts";

export const benchExchange: TokenExchange = {
  provider: "bench",
  tokenPath: "/oauth/token",
  credentials: [
    { name: "clientId", in: "basic", part: "username", secret: false, required: true },
    { name: "clientSecret", in: "basic", part: "password", secret: true, required: true },
  ],
  grant: "client_credentials",
  response: { accessToken: "access_token", tokenType: "token_type" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
};

/** A way to get an access token, as a user would wire it. */
export type TokenSource = () => Promise<string>;

/**
 * The memo cache a careful user writes around a token call: one shared promise (so concurrent
 * callers share a request), reused until the expiry the response announced.
 */
export function memo(
  fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>,
  clock: () => number = Date.now,
): TokenSource {
  let cached: { promise: Promise<string>; expiresAt: number } | undefined;
  return () => {
    if (!cached || clock() >= cached.expiresAt) {
      const entry = { promise: Promise.resolve(""), expiresAt: Infinity };
      entry.promise = fetchToken().then(
        ({ token, expiresInSeconds }) => {
          entry.expiresAt = clock() + expiresInSeconds * 1000;
          return token;
        },
        (error: unknown) => {
          if (cached === entry) cached = undefined;
          throw error;
        },
      );
      cached = entry;
    }
    return cached.promise;
  };
}

/** Every client the benchmarks compare, against one token server. */
export function tokenSources(url: string): Record<string, TokenSource> {
  const manager = createTokenManager({
    exchange: benchExchange,
    credentials: BENCH_CLIENT,
    baseUrl: url,
  });

  const basic = `Basic ${btoa(`${BENCH_CLIENT.clientId}:${BENCH_CLIENT.clientSecret}`)}`;
  const fetchEveryCall: TokenSource = async () => {
    const response = await fetch(`${url}/oauth/token`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials",
    });
    if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  // simple-oauth2's README pattern: keep the AccessToken, renew when expired(window) says so.
  const simple = new ClientCredentials({
    client: { id: BENCH_CLIENT.clientId, secret: BENCH_CLIENT.clientSecret },
    auth: { tokenHost: url, tokenPath: "/oauth/token" },
  });
  let simpleToken: Awaited<ReturnType<typeof simple.getToken>> | undefined;
  let simplePending: Promise<string> | undefined;
  const simpleOauth2: TokenSource = async () => {
    if (simpleToken && !simpleToken.expired(300)) return simpleToken.token.access_token as string;
    simplePending ??= simple.getToken({}).then((token) => {
      simpleToken = token;
      simplePending = undefined;
      return token.token.access_token as string;
    });
    return simplePending;
  };

  const server: oauth.AuthorizationServer = { issuer: url, token_endpoint: `${url}/oauth/token` };
  const client: oauth.Client = { client_id: BENCH_CLIENT.clientId };
  const clientAuth = oauth.ClientSecretBasic(BENCH_CLIENT.clientSecret);
  const oauth4webapi = memo(async () => {
    const response = await oauth.clientCredentialsGrantRequest(
      server,
      client,
      clientAuth,
      new URLSearchParams(),
      {
        [oauth.allowInsecureRequests]: true,
      },
    );
    const result = await oauth.processClientCredentialsResponse(server, client, response);
    return { token: result.access_token, expiresInSeconds: result.expires_in ?? 0 };
  });

  const configuration = new openid.Configuration(
    server,
    BENCH_CLIENT.clientId,
    BENCH_CLIENT.clientSecret,
    openid.ClientSecretBasic(BENCH_CLIENT.clientSecret),
  );
  openid.allowInsecureRequests(configuration);
  const openidClient = memo(async () => {
    const tokens = await openid.clientCredentialsGrant(configuration);
    return { token: tokens.access_token, expiresInSeconds: tokens.expiresIn() ?? 0 };
  });

  return {
    "@auth/core": async () => (await manager.getToken()).accessToken,
    "oauth4webapi + memo": oauth4webapi,
    "openid-client v6 + memo": openidClient,
    "simple-oauth2 (README pattern)": simpleOauth2,
    "fetch every call": fetchEveryCall,
  };
}
