import { publicKeyOf, verifyAssertion } from "./assertion.js";
import {
  constants,
  createHash,
  createHmac,
  type KeyObject,
  privateDecrypt,
  randomBytes,
  randomUUID,
} from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  deleteAt,
  errorBody,
  getAt,
  properties,
  schemaAt,
  fillRequired,
  fillTemplate,
  setAt,
  tokenOperation,
} from "./spec.js";
import type {
  ExchangeData,
  Fault,
  ProviderSettings,
  ProviderStats,
  SandboxProvider,
} from "./types.js";

/** One emulated provider's live state. */
export interface ProviderState {
  readonly provider: SandboxProvider;
  readonly operation: ReturnType<typeof tokenOperation>;
  readonly credentials: Record<string, string>;
  settings: ProviderSettings;
  readonly stats: ProviderStats;
  faults: { fault: Fault; remaining: number }[];
  consecutiveFailures: number;
  /** Issued access tokens and their expiry (server clock, ms). */
  readonly tokens: Map<string, number>;
  /** Issued refresh tokens and their expiry (server clock, skew included; REFRESH_TOKEN_TTL_MS after issue). */
  readonly refreshTokens: Map<string, number>;
  /** When expired tokens are next swept (at most once a minute, on issue). */
  nextSweep: number;
  /** `jti`s of signed assertions already used (replays are refused). */
  readonly assertionIds: Set<string>;
  /** Private halves of the RSA keys the sandbox gave the client (by credential name). */
  readonly rsaKeys: Map<string, KeyObject>;
  /** Minted tokens revoked by `revokeTokens` (the client signs them; the API refuses these). */
  readonly revoked: Set<string>;
}

/** How long a refresh token the sandbox issued stays usable. */
export const REFRESH_TOKEN_TTL_MS = 86_400_000;

/** Marks the seeded refresh token in `refreshTokens`: it never expires. */
const SEED_EXPIRY = Number.MAX_SAFE_INTEGER;

/**
 * A seeded refresh token (the primary grant is the refresh grant, its token a credential): the
 * refresh token a consent flow gave the client. Unlike a real bank's, it stays usable after use, so
 * every test and demo run can start from the sandbox's credentials; the tokens issued from it
 * rotate like any other.
 */
export function seedRefreshToken(state: ProviderState): void {
  const { exchange } = state.provider;
  if (exchange.grant === undefined || exchange.grant !== exchange.refreshGrant) return;
  for (const credential of exchange.credentials) {
    const value = state.credentials[credential.name];
    if (credential.in === "body" && credential.field === "refresh_token" && value)
      state.refreshTokens.set(value, SEED_EXPIRY);
  }
}

/**
 * Drops expired access and refresh tokens, at most once a minute: a sandbox that issued tokens to
 * 100,000 clients over a day holds only the live ones.
 */
export function sweepExpired(state: ProviderState, now: number): void {
  if (now < state.nextSweep) return;
  state.nextSweep = now + 60_000;
  for (const map of [state.tokens, state.refreshTokens])
    for (const [value, expiresAt] of map) if (now >= expiresAt) map.delete(value);
}

/**
 * The token endpoint of one provider, as its spec and generated exchange data describe it:
 * injected faults first, then the request checked where the spec puts each part, then a token in
 * the documented shape, or a failure the way the spec's `failures` rules say the provider fails.
 */
export async function token(
  primaryState: ProviderState,
  request: IncomingMessage,
  response: ServerResponse,
  rawBody: string,
  query: Record<string, string>,
  now: number,
  refreshPath = false,
): Promise<void> {
  // The refresh request of its own is checked as its own exchange: its placement, constants and
  // scope field instead of the primary grant's; everything else (stats, tokens, lockout) is shared.
  const state = refreshPath ? refreshState(primaryState) : primaryState;
  const { exchange } = state.provider;
  const refreshField = (refreshPath && exchange.refresh?.refreshTokenField) || "refresh_token";
  /** The primary grant is the refresh grant: its refresh token is a credential (from consent). */
  const seeded = exchange.grant !== undefined && exchange.grant === exchange.refreshGrant;
  state.stats.tokenRequests += 1;

  if (await answerFault(state, request, response)) return;

  const body = readParameters(exchange, rawBody);
  if (body === undefined)
    return sendError(state, response, 400, "invalid_request", "Malformed JSON body", "failure");
  const params = exchange.paramsIn === "query" ? query : body;
  const grantType = params[exchange.grantField ?? "grant_type"];
  const refreshing =
    refreshPath || (exchange.refreshGrant !== undefined && grantType === exchange.refreshGrant);
  const wrongRefreshGrant =
    refreshPath &&
    exchange.refresh?.grantField !== undefined &&
    grantType !== exchange.refreshGrant;
  if (
    wrongRefreshGrant ||
    (exchange.grant !== undefined && grantType !== exchange.grant && !refreshing)
  ) {
    return sendError(
      state,
      response,
      400,
      grantType === undefined ? "invalid_request" : "unsupported_grant_type",
      grantType === undefined ? "Missing grant type" : "Unsupported grant type",
      "failure",
    );
  }
  // The spec's fixed parameters are required: a client that forgets one is told which. A JSON
  // body's constant may be a number or a boolean, and must arrive as that type.
  const typed = exchange.bodyEncoding === "json" ? jsonObject(rawBody) : undefined;
  for (const constant of exchange.constants ?? []) {
    const sent =
      constant.in === "header"
        ? request.headers[constant.name.toLowerCase()]
        : constant.in === "query"
          ? query[constant.name]
          : (typed ?? body)[constant.name];
    if (sent !== constant.value)
      return sendError(
        state,
        response,
        400,
        "invalid_request",
        `Missing or wrong ${constant.name}`,
        "failure",
      );
  }

  if (state.stats.locked) {
    return sendError(
      state,
      response,
      401,
      "invalid_grant",
      "User account is locked",
      "credentials",
    );
  }
  const signatureProblem =
    checkAssertion(state, request, body, refreshing, now) ?? checkComputed(state, request, rawBody);
  const clientOk =
    checkClient(state, request, query, body) &&
    (exchange.computed === undefined || signatureProblem === undefined) &&
    (exchange.assertion?.use !== "client-auth" || signatureProblem === undefined);
  const loginOk =
    (refreshing || checkLogin(state, body)) &&
    (exchange.assertion?.use !== "grant" || signatureProblem === undefined);
  if (!clientOk || !loginOk) {
    countCredentialFailure(state);
    return clientOk
      ? sendError(state, response, 400, "invalid_grant", "Bad credentials", "credentials")
      : sendError(state, response, 401, "invalid_client", "Bad client credentials", "credentials");
  }
  if (refreshing) {
    const presented = params[refreshField] ?? "";
    if (!((state.refreshTokens.get(presented) ?? 0) > now)) {
      // Where the refresh grant is the primary grant, a dead refresh token is a failed login.
      if (seeded) countCredentialFailure(state);
      return sendError(
        state,
        response,
        400,
        "invalid_grant",
        "Invalid refresh token",
        "credentials",
      );
    }
    // The seed stays usable: every demo run and test starts from it, as after a fresh consent.
    if (state.settings.rotateRefreshTokens && state.refreshTokens.get(presented) !== SEED_EXPIRY)
      state.refreshTokens.delete(presented);
    state.stats.refreshGrants += 1;
  }
  if (!refreshing || seeded) state.consecutiveFailures = 0;

  const issued = issueToken(
    state,
    params,
    now,
    refreshing ? (params[refreshField] ?? "") : undefined,
  );
  state.stats.tokensIssued += 1;
  // The token where the spec says it is: the whole text body, a header, or a JSON field.
  const field = exchange.response.accessToken;
  if (field === "body:text") {
    response.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
    response.end(String(issued[field]));
  } else if (field.startsWith("header:")) {
    const { [field]: token, ...rest } = issued;
    send(response, 200, rest, { [field.slice("header:".length)]: String(token) });
  } else send(response, 200, issued);
}

/**
 * The provider's state as its refresh endpoint sees it: the same live state (reads and writes go to
 * it), with the exchange the refresh request follows.
 */
function refreshState(state: ProviderState): ProviderState {
  const { exchange } = state.provider;
  const merged: ExchangeData = {
    ...exchange,
    constants: undefined,
    scopeField: undefined,
    ...exchange.refresh!,
  };
  const provider = { ...state.provider, exchange: merged };
  // Its documented answers are the refresh operation's.
  const operation = tokenOperation(
    state.provider.document as Record<string, unknown>,
    merged.tokenPath,
    "post",
  );
  return new Proxy(state, {
    get: (target, key) =>
      key === "provider"
        ? provider
        : key === "operation"
          ? operation
          : target[key as keyof ProviderState],
  });
}

/** A failed login: counted, and the account locked where the spec says it locks. */
function countCredentialFailure(state: ProviderState): void {
  const { lockoutAfter } = state.provider.exchange;
  state.stats.credentialFailures += 1;
  state.consecutiveFailures += 1;
  if (lockoutAfter !== undefined && state.consecutiveFailures >= lockoutAfter)
    state.stats.locked = true;
}

/** Injected faults, in order: latency adds up, then the first other fault answers (true). */
async function answerFault(
  state: ProviderState,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  // Faults first: latency adds up, then the first other fault answers.
  let answered = false;
  for (const entry of [...state.faults]) {
    if (entry.remaining <= 0 || answered) continue;
    entry.remaining -= 1;
    state.stats.faultsInjected += 1;
    const fault = entry.fault;
    if (fault.type === "latency") {
      await new Promise((resolveDelay) => setTimeout(resolveDelay, fault.ms));
      continue;
    }
    answered = true;
    if (fault.type === "reset") {
      request.socket.destroy();
    } else if (fault.type === "garbage") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"access_token": tr\u0000uncated');
    } else if (fault.type === "html") {
      response.writeHead(502, { "content-type": "text/html" });
      response.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    } else if (fault.type === "rate-limit") {
      sendError(state, response, 429, "rate_limited", "Too many requests", "rate_limited", {
        "retry-after": String(fault.retryAfterSeconds),
      });
    } else {
      const kind = fault.status > 499 ? "temporary" : "failure";
      sendError(state, response, fault.status, "server_error", "Injected failure", kind);
    }
  }
  state.faults = state.faults.filter((entry) => entry.remaining > 0);
  return answered;
}

/**
 * Body fields as strings: a form, or a JSON object whose values are compared as the client sent
 * them (a non-string never matches a credential). Undefined for a JSON body that is not an object.
 */
/** A JSON body's top-level object with its values' own types; undefined when it is not one. */
function jsonObject(rawBody: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(rawBody);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readParameters(
  exchange: ExchangeData,
  rawBody: string,
): Record<string, string> | undefined {
  if (exchange.bodyEncoding !== "json") return Object.fromEntries(new URLSearchParams(rawBody));
  if (rawBody === "") return {};
  const parsed = jsonObject(rawBody);
  if (parsed === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(parsed).filter(
      (entry): entry is [string, string] => typeof entry[1] === "string",
    ),
  );
}

function checkClient(
  state: ProviderState,
  request: IncomingMessage,
  query: Record<string, string>,
  body: Record<string, string>,
): boolean {
  const { exchange } = state.provider;
  let username: string | undefined;
  let password: string | undefined;
  const basic = /^Basic (\S+)$/i.exec(request.headers.authorization ?? "");
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) {
      username = decoded.slice(0, colon);
      password = decoded.slice(colon + 1);
    }
  }
  for (const credential of exchange.credentials) {
    const expected = expectedValue(state, credential);
    if (credential.in === "basic") {
      if ((credential.part === "username" ? username : password) !== expected) return false;
    } else if (credential.in === "header") {
      if (request.headers[credential.header.toLowerCase()] !== expected) return false;
    } else if (credential.in === "query") {
      if (query[credential.field] === undefined && !credential.required) continue;
      if (query[credential.field] !== expected) return false;
    } else if (credential.in === "body" && /^client_(id|secret)$/.test(credential.field)) {
      // The client's own body credentials (RFC 6749 §2.3.1) go with every grant, refresh included.
      if (body[credential.field] === undefined && !credential.required) continue;
      if (body[credential.field] !== expected) return false;
    }
  }
  return true;
}

/**
 * The signed JWT the spec requires (RFC 7523), checked with the public half of the client's key:
 * `client_assertion` (with its type) on every request, or the grant's `assertion` on the primary
 * grant. Undefined when it passes or the spec has none.
 */
function checkAssertion(
  state: ProviderState,
  request: IncomingMessage,
  body: Record<string, string>,
  refreshing: boolean,
  now: number,
): string | undefined {
  const { exchange } = state.provider;
  const assertion = exchange.assertion;
  if (assertion === undefined || (assertion.use === "grant" && refreshing)) return undefined;
  if (
    assertion.use === "client-auth" &&
    body.client_assertion_type !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
  )
    return "wrong client_assertion_type";
  const expected: Record<string, unknown> = {};
  for (const credential of exchange.credentials)
    if (credential.template !== undefined && credential.in === "none")
      expected[credential.name] = expectedValue(state, credential);
  const path = (request.url ?? "").split("?")[0];
  return verifyAssertion(assertion.use === "grant" ? body.assertion : body.client_assertion, {
    assertion,
    publicKey: publicKeyOf(state.credentials[assertion.key] ?? ""),
    expected,
    tokenUrl: `http://${request.headers.host ?? ""}${path}`,
    nowSeconds: Math.floor(now / 1000),
    seen: state.assertionIds,
  });
}

/**
 * The spec's computed values, checked as the provider would: each sent value is present, a
 * timestamp parses, a hash or HMAC matches the one recomputed from the request, and an RSA-OAEP
 * value decrypts (with the key the sandbox gave the client) to its message. A message that uses a
 * value the client kept to itself (`in: none`) cannot be recomputed, and is not checked.
 */
function checkComputed(
  state: ProviderState,
  request: IncomingMessage,
  rawBody: string,
): string | undefined {
  const { exchange } = state.provider;
  const body =
    exchange.bodyEncoding === "json"
      ? (jsonObject(rawBody) ?? {})
      : Object.fromEntries(new URLSearchParams(rawBody));
  const seen: Record<string, string | undefined> = {};
  for (const value of exchange.computed ?? []) {
    const sent =
      value.in === "header"
        ? (request.headers[value.field!.toLowerCase()] as string | undefined)
        : value.in === "body"
          ? (body[value.field!] as string | undefined)
          : undefined;
    seen[value.name] = sent;
    if (value.in !== "none" && (typeof sent !== "string" || sent === ""))
      return `no ${value.field}`;
    if (sent === undefined || value.kind === "timestamp" || value.kind === "nonce") continue;
    let unknown = false;
    const message = (value.message ?? "").replace(/\{([^{}]*)\}/g, (_, name: string) => {
      if (name === "body") return rawBody;
      const credential = exchange.credentials.find((c) => c.name === name);
      const found = credential ? expectedValue(state, credential) : seen[name];
      if (found === undefined) unknown = true;
      return found ?? "";
    });
    if (unknown) continue;
    const hash = (value.algorithm ?? "SHA-256").replace("-", "").toLowerCase();
    const encoding = value.encoding ?? (value.kind === "rsa-oaep" ? "base64" : "hex");
    if (value.kind === "hash" && createHash(hash).update(message).digest(encoding) !== sent)
      return `wrong ${value.field}`;
    if (value.kind === "hmac") {
      const key = state.credentials[value.key!] ?? "";
      if (createHmac(hash, key).update(message).digest(encoding) !== sent)
        return `wrong ${value.field}`;
    }
    if (value.kind === "rsa-oaep") {
      const key = state.rsaKeys.get(value.key!);
      if (key === undefined) continue;
      try {
        const plain = privateDecrypt(
          { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash },
          Buffer.from(sent, "base64"),
        ).toString("utf8");
        if (plain !== message) return `wrong ${value.field}`;
      } catch {
        return `wrong ${value.field}`;
      }
    }
  }
  return undefined;
}

/**
 * What the client must send for a credential: its value, or for a templated one the template
 * filled from the sandbox's credentials and server variables (`urn:acme:{accountId}`).
 */
function expectedValue(
  state: ProviderState,
  credential: ExchangeData["credentials"][number],
): string | undefined {
  if (credential.template === undefined) return state.credentials[credential.name];
  return fillTemplate(credential.template, state.credentials);
}

function checkLogin(state: ProviderState, form: Record<string, string>): boolean {
  for (const credential of state.provider.exchange.credentials) {
    if (credential.in !== "body") continue;
    const presented = form[credential.field];
    if (presented === undefined && !credential.required) continue;
    if (presented !== expectedValue(state, credential)) return false;
  }
  return true;
}

function issueToken(
  state: ProviderState,
  params: Record<string, string>,
  now: number,
  previousRefresh: string | undefined,
): Record<string, unknown> {
  const { exchange, document } = state.provider;
  const ok = state.operation.responses.get(200);
  const example = ok?.example;
  const body: Record<string, unknown> =
    typeof example === "object" && example !== null
      ? (structuredClone(example) as Record<string, unknown>)
      : {};
  const lifetimeMs = state.settings.lifetimeSeconds * 1000;
  const expiresAt = now + lifetimeMs;
  const mapping = exchange.response;
  const scope = exchange.scopeField !== undefined ? params[exchange.scopeField] : undefined;
  const jti = randomUUID();
  const clientId = state.credentials[state.provider.exchange.credentials[0]!.name] ?? "client";
  const accessToken = exchange.expiry?.jwtExp
    ? fakeJwt({
        exp: Math.floor(expiresAt / 1000),
        iat: Math.floor(now / 1000),
        jti,
        client_id: clientId,
        scope: (scope ?? "profile").split(" "),
      })
    : randomBytes(24).toString("base64url");
  setAt(body, mapping.accessToken, accessToken);
  if (mapping.tokenType !== undefined && typeof getAt(body, mapping.tokenType) !== "string")
    setAt(body, mapping.tokenType, "bearer");
  if (mapping.scope !== undefined && scope !== undefined) setAt(body, mapping.scope, scope);
  if (properties(document as Record<string, unknown>, ok?.schema).has("jti")) body.jti = jti;
  const expiry = exchange.expiry;
  if (expiry?.field !== undefined) {
    // Numbers go on the wire the way the spec says: some providers send "3599".
    const wire = schemaAt(document as Record<string, unknown>, ok?.schema, expiry.field);
    const asWire = (value: number) => (wire?.type === "string" ? String(value) : value);
    if (!state.settings.includeExpiry) deleteAt(body, expiry.field);
    else if (expiry.kind === "relative-seconds")
      setAt(body, expiry.field, asWire(state.settings.lifetimeSeconds));
    else if (expiry.kind === "relative-milliseconds") setAt(body, expiry.field, asWire(lifetimeMs));
    else if (expiry.kind === "relative-duration")
      setAt(body, expiry.field, `PT${state.settings.lifetimeSeconds}S`);
    else if (expiry.kind === "absolute-iso8601")
      // On the server's clock (`now` includes any configured skew), like its Date header.
      setAt(body, expiry.field, new Date(expiresAt).toISOString());
    else if (
      expiry.kind === "absolute-seconds" ||
      (expiry.kind === "absolute-auto" && state.settings.absoluteUnit === "seconds")
    )
      setAt(body, expiry.field, asWire(Math.floor(expiresAt / 1000)));
    else setAt(body, expiry.field, asWire(expiresAt));
  }
  if (mapping.refreshToken !== undefined) {
    const keep = previousRefresh !== undefined && !state.settings.rotateRefreshTokens;
    const refreshToken = keep ? previousRefresh : randomBytes(18).toString("base64url");
    state.refreshTokens.set(refreshToken, now + REFRESH_TOKEN_TTL_MS);
    setAt(body, mapping.refreshToken, refreshToken);
  }
  sweepExpired(state, now);
  state.tokens.set(accessToken, expiresAt);
  return body;
}

/** An RS256-shaped JWT: real header and payload, a random (unverifiable) signature. */
function fakeJwt(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "RS256", typ: "JWT" })}.${encode(payload)}.${randomBytes(64).toString("base64url")}`;
}

type FailureKind = "credentials" | "rate_limited" | "temporary" | "failure";

/**
 * Answers a failure the way the spec says this provider does: the first `failures` rule of that
 * kind (its status, its field set to the marking value, the message and code where the spec points),
 * else the nearest status the spec documents, in the body shape it documents.
 */
function sendError(
  state: ProviderState,
  response: ServerResponse,
  wanted: number,
  error: string,
  description: string,
  kind: FailureKind,
  headers: Record<string, string> = {},
): void {
  const document = state.provider.document as Record<string, unknown>;
  const documented = state.operation.responses;
  const failures = state.provider.exchange.failures;
  const rule = failures?.rules?.find((r) => r.kind === kind);
  let status = rule?.status[0] ?? wanted;
  if (
    rule === undefined &&
    wanted >= 400 &&
    wanted < 500 &&
    wanted !== 429 &&
    !documented.has(wanted)
  ) {
    status = [401, 403, 400].find((s) => documented.has(s)) ?? wanted;
  }
  const schema = documented.get(status)?.schema;
  const example = documented.get(status)?.example;
  // A failure inside a 2xx envelope starts empty (the documented 200 example is a success).
  const body =
    rule !== undefined && status < 300
      ? {}
      : errorBody(document, schema, example, { error, description, status });
  if (failures?.code !== undefined) setAt(body, failures.code, error);
  if (failures?.message !== undefined) setAt(body, failures.message, description);
  // Last: where the code field is the marker, the marker's value is what the provider sends.
  if (rule?.pointer !== undefined && rule.equals !== undefined)
    setAt(body, rule.pointer, rule.equals[0]);
  // What else the documented schema requires (a request id, a timestamp), so the answer is valid.
  if (rule !== undefined && status < 300) fillRequired(document, schema, body);
  send(response, status, body, headers);
}

export function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A token the client minted (`assertion.use: token`), checked as the API documents it: signed by
 * the key the sandbox gave the client, the algorithm, `kid` and claims the spec names, not
 * expired, not living longer than the spec allows, and not revoked. Accepted tokens are kept in
 * `tokens` (until their `exp`) so `revokeTokens` can revoke them.
 */
export function acceptMinted(state: ProviderState, jwt: string, now: number): boolean {
  const { exchange } = state.provider;
  const assertion = exchange.assertion!;
  if (state.revoked.has(jwt)) return false;
  const expected: Record<string, unknown> = {};
  for (const credential of exchange.credentials)
    if (credential.template !== undefined && credential.in === "none")
      expected[credential.name] = expectedValue(state, credential);
  const problem = verifyAssertion(jwt, {
    assertion,
    publicKey: publicKeyOf(state.credentials[assertion.key] ?? ""),
    expected,
    tokenUrl: "",
    nowSeconds: Math.floor(now / 1000),
    seen: state.assertionIds,
  });
  if (problem !== undefined) return false;
  const exp = (
    JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as { exp: number }
  ).exp;
  state.tokens.set(jwt, exp * 1000);
  return true;
}
