import { basicAuthorization } from "./encoding.js";
import { AuthError, AuthErrorCode } from "./errors.js";
import type { TokenExchange } from "./exchange.js";
import { computeExpiry } from "./expiry.js";
import { normaliseTokenType, type StoredToken } from "./token.js";
import { joinUrl } from "./url.js";

/** One HTTP request to the token endpoint, before it is sent. */
export interface TokenHttpRequest {
  readonly method: "POST";
  readonly url: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Form fields; undefined when the request has no body. */
  readonly form: Readonly<Record<string, string>> | undefined;
  readonly signal: AbortSignal;
}

/**
 * Sends a token request and resolves with the untouched Response. The default uses `fetch`;
 * generated packages send through openapi-fetch with the spec's types.
 */
export type TokenRequestSender = (
  request: TokenHttpRequest,
  fetch: typeof globalThis.fetch,
) => Promise<Response>;

export const defaultSender: TokenRequestSender = (request, fetchImpl) =>
  fetchImpl(request.url, {
    method: request.method,
    headers: request.headers,
    ...(request.form !== undefined ? { body: new URLSearchParams(request.form) } : {}),
    signal: request.signal,
    // A redirect could carry credentials to another host: treat it as an endpoint error instead.
    redirect: "manual",
  });

export type Grant = { kind: "primary" } | { kind: "refresh"; refreshToken: string };

/** Builds the request: credentials where the spec puts them, grant and scope in the form. */
export function buildTokenRequest(
  exchange: TokenExchange,
  credentials: Readonly<Record<string, string>>,
  baseUrl: string,
  grant: Grant,
  scope: string | undefined,
  signal: AbortSignal,
): TokenHttpRequest {
  const headers: Record<string, string> = { accept: "application/json" };
  let form: Record<string, string> | undefined;
  let username: string | undefined;
  let usernameOption = "";
  let password: string | undefined;
  if (exchange.grant !== undefined) {
    form = {
      grant_type:
        grant.kind === "refresh" ? (exchange.refreshGrant ?? "refresh_token") : exchange.grant,
    };
    if (grant.kind === "refresh") form.refresh_token = grant.refreshToken;
    if (scope !== undefined && exchange.scopeField !== undefined) form[exchange.scopeField] = scope;
  }
  for (const credential of exchange.credentials) {
    const value = credentials[credential.name];
    if (value === undefined) continue;
    if (credential.in === "basic") {
      if (credential.part === "username") {
        username = value;
        usernameOption = credential.name;
      } else password = value;
    } else if (credential.in === "header") {
      headers[credential.header.toLowerCase()] = value;
    } else if (form !== undefined && grant.kind === "primary") {
      // Body credentials (a user's login) belong to the primary grant only.
      form[credential.field] = value;
    }
  }
  if (username !== undefined && password !== undefined)
    headers.authorization = basicAuthorization(username, password, usernameOption);
  if (form !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
  return {
    method: "POST",
    url: joinUrl(baseUrl, exchange.tokenPath),
    baseUrl,
    path: exchange.tokenPath,
    headers,
    form,
    signal,
  };
}

const CREDENTIAL_ERRORS = new Set(["invalid_grant", "invalid_client", "unauthorized_client"]);
const MAX_FIELD = 200;
const MAX_BODY = 1_000_000;

/** Reads the response and turns it into a token or a typed error. Never copies the raw body into an error. */
export async function readTokenResponse(
  response: Response,
  context: {
    exchange: TokenExchange;
    startedAt: number;
    receivedAt: () => number;
    defaultTtlMs: number;
    grant: Grant;
  },
): Promise<StoredToken> {
  const { exchange } = context;
  const provider = exchange.provider;
  const text = await readBody(response);
  const receivedAt = context.receivedAt();
  const status = response.status;

  if (status < 200 || status >= 300) {
    const fields = errorFields(text);
    const details = { status, provider, ...fields };
    const said = fields.oauthError
      ? ` (${fields.oauthError}${fields.oauthErrorDescription ? `: ${fields.oauthErrorDescription}` : ""})`
      : "";
    const credentialFailure =
      status === 401 ||
      status === 403 ||
      (status === 400 &&
        fields.oauthError !== undefined &&
        CREDENTIAL_ERRORS.has(fields.oauthError));
    if (credentialFailure) {
      const what = context.grant.kind === "refresh" ? "refresh token" : "credentials";
      throw new AuthError(
        AuthErrorCode.InvalidCredentials,
        `${provider} rejected the ${what} with ${status}${said}. Not retried: check the credentials you passed (some providers lock an account after repeated failures)`,
        details,
      );
    }
    if (status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), receivedAt);
      throw new AuthError(
        AuthErrorCode.RateLimited,
        `${provider} rate-limited the token request (429)${retryAfterMs !== undefined ? `; it asks to wait ${Math.ceil(retryAfterMs / 1000)} s` : ""}. Reduce how often new tokens are requested`,
        { ...details, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
      );
    }
    const retryAfterMs =
      status === 503 ? parseRetryAfter(response.headers.get("retry-after"), receivedAt) : undefined;
    throw new AuthError(
      AuthErrorCode.EndpointError,
      `${provider} token endpoint answered ${status === 0 ? "with a redirect" : status}${said}. ${
        status >= 500 || status === 408
          ? "The provider may be having trouble; try again later"
          : "Check the endpoint URL and the request options"
      }`,
      { ...details, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) },
    );
  }

  const invalid = (reason: string) =>
    new AuthError(
      AuthErrorCode.InvalidTokenResponse,
      `${provider} token endpoint answered ${status} but ${reason}. The response was not cached; check baseUrl points at the token endpoint`,
      { status, provider },
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid("the body is not JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalid("the body is not a JSON object");
  const record = body as Record<string, unknown>;
  const mapping = exchange.response;
  const accessToken = record[mapping.accessToken];
  if (typeof accessToken !== "string" || accessToken === "")
    throw invalid(`"${mapping.accessToken}" is missing or not a string`);
  // A token goes into an HTTP header: control characters or spaces would corrupt it.
  if (!/^[\x21-\x7e]+$/.test(accessToken))
    throw invalid(`"${mapping.accessToken}" contains characters not allowed in a header`);
  const rawType = mapping.tokenType === undefined ? undefined : record[mapping.tokenType];
  if (
    rawType !== undefined &&
    rawType !== null &&
    (typeof rawType !== "string" || !/^[\x21-\x7e]+$/.test(rawType))
  ) {
    throw invalid(`"${mapping.tokenType}" is not a token type`);
  }
  const tokenType = normaliseTokenType(typeof rawType === "string" ? rawType : "Bearer");
  const rawRefresh = mapping.refreshToken === undefined ? undefined : record[mapping.refreshToken];
  if (
    rawRefresh !== undefined &&
    rawRefresh !== null &&
    (typeof rawRefresh !== "string" || rawRefresh === "")
  ) {
    throw invalid(`"${mapping.refreshToken}" is not a string`);
  }
  const rawScope = mapping.scope === undefined ? undefined : record[mapping.scope];
  const scope =
    typeof rawScope === "string"
      ? rawScope
      : Array.isArray(rawScope) && rawScope.every((s) => typeof s === "string")
        ? rawScope.join(" ")
        : undefined;

  const expiry = computeExpiry({
    body: record,
    field: exchange.expiry?.field,
    kind: exchange.expiry?.kind ?? "relative-seconds",
    accessToken,
    startedAt: context.startedAt,
    receivedAt,
    dateHeader: response.headers.get("date"),
    defaultTtlMs: context.defaultTtlMs,
  });
  if (!expiry.ok) throw invalid(expiry.reason);
  return {
    accessToken,
    tokenType,
    expiresAt: expiry.expiresAt,
    ...(typeof rawRefresh === "string" ? { refreshToken: rawRefresh } : {}),
    ...(scope !== undefined ? { scope } : {}),
    raw: record,
    obtainedAt: context.startedAt,
  };
}

async function readBody(response: Response): Promise<string> {
  const text = await response.text();
  return text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text;
}

/** Only the OAuth `error` / `error_description` / `message` fields, length-capped and printable. */
function errorFields(text: string): { oauthError?: string; oauthErrorDescription?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const clean = (value: unknown) =>
    typeof value === "string" && value !== ""
      ? value.replace(/[^\x20-\x7e]/g, "?").slice(0, MAX_FIELD)
      : undefined;
  const oauthError = clean(record.error) ?? clean(record.message) ?? clean(record.title);
  const oauthErrorDescription = clean(record.error_description) ?? clean(record.detail);
  return {
    ...(oauthError ? { oauthError } : {}),
    ...(oauthErrorDescription ? { oauthErrorDescription } : {}),
  };
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
