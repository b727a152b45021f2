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
 * callers share a request), reused until the expiry the response announced, dated from when the
 * request was sent (dating it from the response would serve a token for up to one round trip
 * after the server let it expire, and charge that to the library).
 */
export function memo(
  fetchToken: () => Promise<{ token: string; expiresInSeconds: number }>,
  clock: () => number = Date.now,
): TokenSource {
  let cached: { promise: Promise<string>; expiresAt: number } | undefined;
  return () => {
    if (!cached || clock() >= cached.expiresAt) {
      const entry = { promise: Promise.resolve(""), expiresAt: Infinity };
      const sentAt = clock();
      entry.promise = fetchToken().then(
        ({ token, expiresInSeconds }) => {
          entry.expiresAt = sentAt + expiresInSeconds * 1000;
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

/**
 * Every client the benchmarks compare, against one token server issuing `lifetimeSeconds` tokens
 * (peers' windows are set to fit that lifetime).
 */
export function tokenSources(url: string, lifetimeSeconds = 3600): Record<string, TokenSource> {
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

  // simple-oauth2's README pattern, as written there: keep the AccessToken and get a new one when
  // expired(EXPIRATION_WINDOW_IN_SECONDS) says so (no sharing between concurrent callers). The
  // README's window is 300 s; here it is that or a tenth of the lifetime, whichever is shorter,
  // so short-lived tokens are not renewed on every call.
  const simple = new ClientCredentials({
    client: { id: BENCH_CLIENT.clientId, secret: BENCH_CLIENT.clientSecret },
    auth: { tokenHost: url, tokenPath: "/oauth/token" },
  });
  const window = Math.min(300, lifetimeSeconds / 10);
  let simpleToken: Awaited<ReturnType<typeof simple.getToken>> | undefined;
  const simpleOauth2: TokenSource = async () => {
    if (!simpleToken || simpleToken.expired(window)) simpleToken = await simple.getToken({});
    return simpleToken.token.access_token as string;
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
