import * as alternativePayments from "@auth/alternative-payments";
import { createTokenManager, type TokenExchange, type TokenManager } from "@auth/core";
import * as enkash from "@auth/enkash";
import * as manis from "@auth/manis";

/**
 * One way of obtaining tokens, as a user would: core's own sender, or a generated package (which
 * sends through openapi-fetch). Each carries the secrets it was configured with, so a test can
 * check that none of them ever comes back.
 */
export interface Target {
  readonly name: string;
  readonly tokenPath: string;
  /** Every secret the target was configured with, as given. */
  readonly secrets: readonly string[];
  readonly lockout: boolean;
  create(baseUrl: string, options?: Record<string, unknown>): TokenManager<unknown>;
  /** A valid token response body in this provider's shape. */
  okBody(accessToken: string, lifetimeSeconds?: number): Record<string, unknown>;
}

const oauthBody = (accessToken: string, lifetimeSeconds = 3600) => ({
  access_token: accessToken,
  token_type: "bearer",
  expires_in: lifetimeSeconds,
});

/** A plain client-credentials provider, sent by core's own fetch sender. */
export const coreExchange: TokenExchange = {
  provider: "plain",
  tokenPath: "/oauth/token",
  credentials: [
    { name: "clientId", in: "basic", part: "username", secret: false, required: true },
    { name: "clientSecret", in: "basic", part: "password", secret: true, required: true },
  ],
  grant: "client_credentials",
  refreshGrant: "refresh_token",
  response: { accessToken: "access_token", tokenType: "token_type", refreshToken: "refresh_token" },
  expiry: { field: "expires_in", kind: "relative-seconds" },
};

const CLIENT_SECRET = "cs-Zq8/+&=secret value";
const PASSWORD = "pw-N3ver+Echo&me=1";
const HEADER_SECRET = "hs-9f8e7d6c5b4a-secret";

export const core: Target = {
  name: "core",
  tokenPath: "/oauth/token",
  secrets: [CLIENT_SECRET],
  lockout: false,
  create: (baseUrl, options = {}) =>
    createTokenManager({
      exchange: coreExchange,
      credentials: { clientId: "plain-client", clientSecret: CLIENT_SECRET },
      baseUrl,
      ...options,
    }),
  okBody: oauthBody,
};

export const alternativePaymentsTarget: Target = {
  name: "@auth/alternative-payments",
  tokenPath: "/oauth/token",
  secrets: [CLIENT_SECRET],
  lockout: false,
  create: (baseUrl, options = {}) =>
    alternativePayments.createAuth({
      clientId: "ap-client",
      clientSecret: CLIENT_SECRET,
      baseUrl,
      ...options,
    }),
  okBody: oauthBody,
};

export const enkashTarget: Target = {
  name: "@auth/enkash",
  tokenPath: "/oauth/token",
  secrets: [CLIENT_SECRET, PASSWORD],
  lockout: true,
  create: (baseUrl, options = {}) =>
    enkash.createAuth({
      clientId: "ek-client",
      clientSecret: CLIENT_SECRET,
      username: "partner@example.test",
      password: PASSWORD,
      baseUrl,
      ...options,
    }),
  okBody: (accessToken, lifetimeSeconds = 3600) => ({
    ...oauthBody(accessToken, lifetimeSeconds),
    refresh_token: `refresh-${accessToken}`,
    scope: "read write trust",
  }),
};

export const manisTarget: Target = {
  name: "@auth/manis",
  tokenPath: "/api/v1/auth/token",
  secrets: [HEADER_SECRET],
  lockout: false,
  create: (baseUrl, options = {}) =>
    manis.createAuth({ merchantId: "merchant-1", secret: HEADER_SECRET, baseUrl, ...options }),
  okBody: (accessToken, lifetimeSeconds = 3600) => ({
    token: accessToken,
    tokenType: "Bearer",
    expiresAt: Date.now() + lifetimeSeconds * 1000,
  }),
};

/** Every path a token request can take: core's sender and each kind of generated package. */
export const targets: readonly Target[] = [
  core,
  alternativePaymentsTarget,
  enkashTarget,
  manisTarget,
];

/** Every form in which a secret could be echoed back (as given, URL-, form- and base64-encoded). */
export function secretForms(secret: string, basicUser?: string): string[] {
  const forms = [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
  ];
  if (basicUser !== undefined) forms.push(Buffer.from(`${basicUser}:${secret}`).toString("base64"));
  return forms;
}
