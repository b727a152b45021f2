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
    body: request.form && new URLSearchParams(request.form),
    signal: request.signal,
    // A redirect could carry credentials to another host: treat it as an endpoint error instead.
    redirect: "manual",
  });

/** The primary grant, or the refresh grant with its refresh token. */
export type Grant = { refreshToken?: string };

/** Builds the request: credentials where the spec puts them, grant and scope in the form. */
export function buildTokenRequest(
  exchange: TokenExchange,
  credentials: Readonly<Record<string, string>>,
  baseUrl: string,
  { refreshToken }: Grant,
  scope: string | undefined,
  signal: AbortSignal,
): TokenHttpRequest {
  const headers: Record<string, string> = { accept: "application/json" };
  const form: Record<string, string> | undefined = exchange.grant
    ? refreshToken
      ? { grant_type: exchange.refreshGrant!, refresh_token: refreshToken }
      : { grant_type: exchange.grant }
    : undefined;
  if (form && scope && exchange.scopeField) form[exchange.scopeField] = scope;
  const basic: string[] = [];
  for (const credential of exchange.credentials) {
    const value = credentials[credential.name];
    if (value === undefined) continue;
    if (credential.in === "basic") basic[credential.part === "username" ? 0 : 1] = value;
    else if (credential.in === "header") headers[credential.header.toLowerCase()] = value;
    // Body credentials (a user's login) belong to the primary grant only.
    else if (form && !refreshToken) form[credential.field] = value;
  }
  if (basic.length) headers.authorization = basicAuthorization(basic[0] ?? "", basic[1] ?? "");
  if (form) headers["content-type"] = "application/x-www-form-urlencoded";
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

const CREDENTIAL_ERRORS = ["invalid_grant", "invalid_client", "unauthorized_client"];
/** Printable ASCII without spaces: what may go into an Authorization header. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Reads the response and turns it into a token or a typed error. Never copies the raw body into an error. */
export async function readTokenResponse(
  response: Response,
  exchange: TokenExchange,
  startedAt: number,
  clock: () => number,
  defaultTtlMs: number,
): Promise<StoredToken> {
  const provider = exchange.provider;
  const text = await response.text();
  const receivedAt = clock();
  const status = response.status;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: an HTML error page or garbage. Nothing of it goes into errors.
  }
  const record = (
    typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}
  ) as Record<string, unknown>;

  if (status < 200 || status > 299) {
    const text = (value: unknown) =>
      typeof value === "string" && value
        ? value.replace(/[^\x20-\x7e]/g, "?").slice(0, 200)
        : undefined;
    const oauthError = text(record.error) ?? text(record.message) ?? text(record.title);
    const oauthErrorDescription = text(record.error_description) ?? text(record.detail);
    const retryAfter = response.headers.get("retry-after");
    const retryAfterMs =
      retryAfter === null
        ? undefined
        : /^\d+$/.test(retryAfter)
          ? +retryAfter * 1000
          : Math.max(0, Date.parse(retryAfter) - Date.now()) || undefined;
    const said = oauthError
      ? ` (${oauthError}${oauthErrorDescription ? `: ${oauthErrorDescription}` : ""})`
      : "";
    const details = { status, provider, oauthError, oauthErrorDescription, retryAfterMs };
    if (
      status === 401 ||
      status === 403 ||
      (status === 400 && CREDENTIAL_ERRORS.includes(oauthError!))
    ) {
      throw new AuthError(
        AuthErrorCode.InvalidCredentials,
        `${provider} rejected the credentials with ${status}${said}. Not retried: check them (some providers lock an account after repeated failures)`,
        details,
      );
    }
    if (status === 429) {
      throw new AuthError(
        AuthErrorCode.RateLimited,
        `${provider} rate-limited the token request (429). Request tokens less often`,
        details,
      );
    }
    throw new AuthError(
      AuthErrorCode.EndpointError,
      `${provider} token endpoint answered ${status || "a redirect"}${said}. ${status > 499 || status === 408 ? "Try again later" : "Check baseUrl and options"}`,
      details,
    );
  }

  const invalid = (reason: string) =>
    new AuthError(
      AuthErrorCode.InvalidTokenResponse,
      `${provider} answered ${status} but ${reason}; not cached. Check that baseUrl points at the token endpoint`,
      { status, provider },
    );
  const mapping = exchange.response;
  const read = (field: string | undefined) =>
    field === undefined ? undefined : (record[field] ?? undefined);
  const accessToken = read(mapping.accessToken);
  const tokenType = read(mapping.tokenType) ?? "Bearer";
  const refreshToken = read(mapping.refreshToken);
  const scope = read(mapping.scope);
  if (body !== record) throw invalid("the body is not a JSON object");
  if (typeof accessToken !== "string" || !HEADER_SAFE.test(accessToken))
    throw invalid(`"${mapping.accessToken}" is not a usable token`);
  if (typeof tokenType !== "string" || !HEADER_SAFE.test(tokenType))
    throw invalid(`"${mapping.tokenType}" is not a token type`);
  if (refreshToken !== undefined && (typeof refreshToken !== "string" || !refreshToken))
    throw invalid(`"${mapping.refreshToken}" is not a string`);

  const expiry = computeExpiry({
    body: record,
    field: exchange.expiry?.field,
    kind: exchange.expiry?.kind ?? "relative-seconds",
    accessToken,
    startedAt,
    receivedAt,
    dateHeader: response.headers.get("date"),
    defaultTtlMs,
  });
  if (!expiry.ok) throw invalid(expiry.reason);
  return {
    accessToken,
    tokenType: normaliseTokenType(tokenType),
    expiresAt: expiry.expiresAt,
    refreshToken,
    scope:
      typeof scope === "string"
        ? scope
        : Array.isArray(scope) && scope.every((s) => typeof s === "string")
          ? scope.join(" ")
          : undefined,
    raw: record,
    obtainedAt: startedAt,
  };
}

/**
 * A fetch for openapi-fetch that keeps the untouched Response for core to read (openapi-fetch gets
 * a clone). Generated packages use it to send the token request with the spec's types.
 *
 * @example
 * const capture = captureResponse(fetch);
 * await createClient<paths>({ baseUrl, fetch: capture.fetch }).POST("/oauth/token", options);
 * return capture.response();
 */
export function captureResponse(fetchImpl: typeof globalThis.fetch): {
  fetch: typeof globalThis.fetch;
  response: () => Response;
} {
  let raw: Response | undefined;
  return {
    fetch: async (input, init) => (raw = await fetchImpl(input, init)).clone(),
    response: () => raw!,
  };
}

/**
 * The openapi-fetch request options for a token request (headers, signal, form serialisation),
 * so a generated package's typed call only adds its typed body.
 */
export function tokenRequestInit(request: TokenHttpRequest) {
  return {
    headers: request.headers,
    signal: request.signal,
    parseAs: "stream" as const,
    bodySerializer: (body: unknown) => new URLSearchParams(body as Record<string, string>),
  };
}
