import { basicAuthorization } from "../secrets/encoding.js";
import type { TokenExchange } from "../contract/exchange.js";
import type { CredentialValues } from "../secrets/credentials.js";
import { joinUrl } from "./url.js";

/** One HTTP request to the token endpoint, before it is sent. */
export interface TokenHttpRequest {
  readonly method: "GET" | "POST";
  /** Full URL, query string included. */
  readonly url: string;
  readonly baseUrl: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Query-string parameters (already part of `url`); undefined when there are none. */
  readonly query: Readonly<Record<string, string>> | undefined;
  /** Body fields; undefined when the request has no body. Numbers and booleans only in JSON. */
  readonly form: Readonly<Record<string, string | number | boolean>> | undefined;
  /** How `form` is encoded on the wire. */
  readonly bodyEncoding: "form" | "json";
  readonly signal: AbortSignal;
}

/**
 * Sends a token request and resolves with the untouched Response. The default uses `fetch`;
 * generated packages send through openapi-fetch with the spec's types. The `fetch` handed in is
 * core's guarded one (no redirects, the attempt's signal): a sender must send through it.
 */
export type TokenRequestSender = (
  request: TokenHttpRequest,
  fetch: typeof globalThis.fetch,
) => Promise<Response>;

export const defaultSender: TokenRequestSender = (request, fetchImpl) =>
  fetchImpl(request.url, {
    method: request.method,
    headers: request.headers,
    body: encodeBody(request),
    signal: request.signal,
    // The guarded fetch enforces this too; a redirect could carry credentials to another host.
    redirect: "manual",
  });

/** The body for `fetch`: form-urlencoded or JSON text; undefined without a body. */
export function encodeBody(request: TokenHttpRequest): URLSearchParams | string | undefined {
  if (request.form === undefined) return undefined;
  return request.bodyEncoding === "json"
    ? JSON.stringify(request.form)
    : new URLSearchParams(request.form as Record<string, string>);
}

/** The primary grant, or the refresh grant with its refresh token. */
export type Grant = { refreshToken?: string };

/**
 * Builds the request: credentials where the spec puts them, the grant, refresh token and scope in
 * the body or query string, and the spec's fixed parameters.
 */
export function buildTokenRequest(
  primary: TokenExchange,
  credentials: CredentialValues,
  baseUrl: string,
  { refreshToken }: Grant,
  scope: string | undefined,
  signal: AbortSignal,
): TokenHttpRequest {
  // A refresh request of its own replaces the primary's placement, constants and scope field.
  const exchange: TokenExchange =
    refreshToken && primary.refresh
      ? { ...primary, constants: undefined, scopeField: undefined, ...primary.refresh }
      : primary;
  const headers: Record<string, string> = { accept: "application/json" };
  const query: Record<string, string> = {};
  const body: Record<string, string | number | boolean> = {};
  const params: Record<string, string | number | boolean> =
    exchange.paramsIn === "query" ? query : body;
  const grantField = exchange.grantField ?? "grant_type";
  if (refreshToken) {
    if (exchange.refreshGrant) params[grantField] = exchange.refreshGrant;
    params[primary.refresh?.refreshTokenField ?? "refresh_token"] = refreshToken;
  } else if (exchange.grant) params[grantField] = exchange.grant;
  if (scope && exchange.scopeField) params[exchange.scopeField] = scope;
  for (const constant of exchange.constants ?? []) {
    // Numbers and booleans only in a JSON body (the generator checks): headers and queries get text.
    if (constant.in === "header") headers[constant.name.toLowerCase()] = constant.value as string;
    else (constant.in === "query" ? (query as typeof body) : body)[constant.name] = constant.value;
  }
  const basic: string[] = [];
  for (let i = 0; i < exchange.credentials.length; i++) {
    const credential = exchange.credentials[i]!;
    const value = credentials[i];
    if (value === undefined) continue;
    if (credential.in === "basic") basic[credential.part === "username" ? 0 : 1] = value;
    else if (credential.in === "header") headers[credential.header.toLowerCase()] = value;
    else if (credential.in === "query") query[credential.field] = value;
    // Body credentials (a user's login, a seeded refresh token) belong to the primary grant, but
    // the client's own (RFC 6749 §2.3.1) go with every grant; `none` is never sent.
    else if (
      credential.in === "body" &&
      (!refreshToken || exchange.refresh || /^client_(id|secret)$/.test(credential.field))
    )
      body[credential.field] = value;
  }
  if (basic.length) headers.authorization = basicAuthorization(basic[0] ?? "", basic[1] ?? "");
  const method = exchange.method ?? "POST";
  const bodyEncoding = exchange.bodyEncoding ?? "form";
  const hasBody = method === "POST" && Object.keys(body).length > 0;
  if (hasBody)
    headers["content-type"] =
      bodyEncoding === "json" ? "application/json" : "application/x-www-form-urlencoded";
  const search = new URLSearchParams(query).toString();
  return {
    method,
    url: joinUrl(baseUrl, exchange.tokenPath) + (search ? `?${search}` : ""),
    baseUrl,
    path: exchange.tokenPath,
    headers,
    query: search ? query : undefined,
    form: hasBody ? body : undefined,
    bodyEncoding,
    signal,
  };
}

/**
 * A fetch for openapi-fetch that keeps the untouched Response for core to read, and hands
 * openapi-fetch an empty placeholder: cloning would tee the body, and an unread branch of a tee
 * buffers everything the other branch reads (an endless body would grow without bound).
 *
 * @example
 * const capture = captureResponse(fetch);
 * await createClient<paths>({ baseUrl, fetch: capture.fetch }).POST("/oauth/token", options);
 * return capture.response();
 */
export function captureResponse(fetchImpl: typeof globalThis.fetch): {
  /** The fetch to hand openapi-fetch: it remembers the raw response. */
  fetch: typeof globalThis.fetch;
  /** The raw response the token request got (throws if none was sent). */
  response: () => Response;
} {
  let raw: Response | undefined;
  return {
    fetch: async (input, init) => {
      raw = await fetchImpl(input, init);
      return new Response(null, { status: 204 });
    },
    response: () => {
      if (raw === undefined) throw new Error("the token request was not sent");
      return raw;
    },
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
    redirect: "manual" as const,
    parseAs: "stream" as const,
    /** The body as the exchange encodes it: JSON, or an HTML form. */
    bodySerializer: (body: unknown) =>
      request.bodyEncoding === "json"
        ? JSON.stringify(body)
        : new URLSearchParams(body as Record<string, string>),
  };
}
