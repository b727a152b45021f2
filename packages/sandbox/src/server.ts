import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SandboxError } from "./errors.js";
import {
  providers as allProviders,
  type ProviderId,
  type SandboxCredentials,
} from "./providers.gen.js";
import { deleteAt, errorBody, getAt, properties, schemaAt, setAt, tokenOperation } from "./spec.js";
import type {
  ExchangeData,
  Fault,
  ProviderSettings,
  ProviderStats,
  SandboxProvider,
} from "./types.js";

/** Loopback hosts the sandbox may bind to. */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    hostname === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

export interface SandboxOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  /** Loopback host to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Provider ids to emulate (default: every spec). */
  readonly providers?: readonly string[];
  /** Defaults for every provider; change one provider later with `configure`. */
  readonly settings?: Partial<ProviderSettings>;
  /** Override demo credentials per provider. */
  readonly credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Largest request body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  readonly maxBodyBytes?: number;
}

/** Real token requests are a few hundred bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

export interface Sandbox {
  /** Root URL, for example `http://127.0.0.1:4010`. */
  readonly url: string;
  /** Base URL to give each provider's `createAuth({ baseUrl })` (emulated providers only). */
  readonly baseUrls: Readonly<Record<ProviderId, string>>;
  /** Demo credentials per provider, ready to spread into `createAuth` (emulated providers only). */
  readonly credentials: Readonly<SandboxCredentials>;
  /** Live counters per provider (emulated providers only). */
  readonly stats: Readonly<Record<ProviderId, ProviderStats>>;
  readonly faults: {
    /** Injects a fault into token responses of one provider (or "*"), `times` times (default: until cleared). */
    inject(provider: string, fault: Fault, options?: { times?: number }): void;
    clear(provider?: string): void;
  };
  /** Changes how a provider issues tokens. */
  configure(provider: string, settings: Partial<ProviderSettings>): void;
  /** Revokes every access and refresh token a provider issued (API calls then answer 401). */
  revokeTokens(provider: string): void;
  /** Clears a provider's lockout and failure count. */
  unlock(provider: string): void;
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: ProviderSettings = {
  lifetimeSeconds: 3600,
  includeExpiry: true,
  absoluteUnit: "milliseconds",
  rotateRefreshTokens: true,
  clockSkewMs: 0,
};

interface ProviderState {
  readonly provider: SandboxProvider;
  readonly operation: ReturnType<typeof tokenOperation>;
  readonly credentials: Record<string, string>;
  settings: ProviderSettings;
  readonly stats: ProviderStats;
  faults: { fault: Fault; remaining: number }[];
  consecutiveFailures: number;
  /** Issued access tokens and their expiry (server clock, ms). */
  readonly tokens: Map<string, number>;
  readonly refreshTokens: Set<string>;
}

/**
 * Starts a local emulator of every spec'd token endpoint on 127.0.0.1.
 *
 * @example
 * import { startSandbox } from "@auth/sandbox";
 * import { createAuth } from "@auth/enkash";
 * const sandbox = await startSandbox();
 * const auth = createAuth({ ...sandbox.credentials.enkash, baseUrl: sandbox.baseUrls.enkash });
 * await auth.getToken();
 * await sandbox.close();
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new SandboxError(
      "invalid_options",
      `host must be a loopback address (127.0.0.1, ::1, localhost); got "${host}"`,
    );
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxError(
      "invalid_options",
      `port must be a whole number from 0 to 65535; got ${String(options.port)}`,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new SandboxError(
      "invalid_options",
      `maxBodyBytes must be a whole number ≥ 1; got ${String(options.maxBodyBytes)}`,
    );
  }
  const wanted = options.providers ?? allProviders.map((p) => p.id);
  const states = new Map<string, ProviderState>();
  for (const id of wanted) {
    const provider = allProviders.find((p) => p.id === id);
    if (!provider) {
      throw new SandboxError(
        "unknown_provider",
        `unknown provider "${id}"; known: ${allProviders.map((p) => p.id).join(", ")}`,
      );
    }
    states.set(id, {
      provider,
      operation: tokenOperation(
        provider.document as Record<string, unknown>,
        provider.exchange.tokenPath,
        (provider.exchange.method ?? "POST").toLowerCase(),
      ),
      credentials: { ...demoCredentials(provider.exchange), ...options.credentials?.[id] },
      settings: { ...DEFAULT_SETTINGS, ...options.settings },
      stats: {
        tokenRequests: 0,
        tokensIssued: 0,
        refreshGrants: 0,
        credentialFailures: 0,
        faultsInjected: 0,
        apiCalls: 0,
        locked: false,
      },
      faults: [],
      consecutiveFailures: 0,
      tokens: new Map(),
      refreshTokens: new Set(),
    });
  }

  const server = createServer((request, response) => {
    handle(states, request, response, maxBodyBytes).catch(() => {
      if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
      response.end('{"error":"sandbox_failure"}');
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new SandboxError(
              "port_in_use",
              `port ${port} on ${host} is already in use; pass another port (startSandbox({ port }) or --port), or 0 for a free one`,
              { cause: error },
            )
          : error,
      ),
    );
    server.listen(port, host, () => resolveListen());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;

  const state = (id: string) => {
    const found = states.get(id);
    if (!found)
      throw new SandboxError(
        "unknown_provider",
        `provider "${id}" is not emulated by this sandbox`,
      );
    return found;
  };
  return {
    url,
    baseUrls: Object.fromEntries([...states.keys()].map((id) => [id, `${url}/${id}`])) as Record<
      ProviderId,
      string
    >,
    credentials: Object.fromEntries(
      [...states].map(([id, s]) => [id, s.credentials]),
    ) as unknown as SandboxCredentials,
    stats: Object.fromEntries([...states].map(([id, s]) => [id, s.stats])) as Record<
      ProviderId,
      ProviderStats
    >,
    faults: {
      inject(provider, fault, injectOptions = {}) {
        const targets = provider === "*" ? [...states.values()] : [state(provider)];
        for (const target of targets)
          target.faults.push({ fault, remaining: injectOptions.times ?? Number.POSITIVE_INFINITY });
      },
      clear(provider) {
        for (const target of provider === undefined ? states.values() : [state(provider)])
          target.faults = [];
      },
    },
    configure(provider, settings) {
      const target = state(provider);
      target.settings = { ...target.settings, ...settings };
    },
    revokeTokens(provider) {
      state(provider).tokens.clear();
      state(provider).refreshTokens.clear();
    },
    unlock(provider) {
      const target = state(provider);
      target.consecutiveFailures = 0;
      target.stats.locked = false;
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** Obvious placeholders; the Basic password carries a non-Latin-1 character to exercise UTF-8 encoding. */
function demoCredentials(exchange: ExchangeData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const credential of exchange.credentials) {
    const base = `demo-${exchange.provider}-${credential.name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`;
    values[credential.name] =
      credential.in === "basic" && credential.part === "password" ? `${base}-sëcret` : base;
  }
  return values;
}

/**
 * CORS for pages served from a loopback origin (a frontend under test talking to the emulator);
 * other origins get no CORS headers, so a website in a developer's browser cannot use it.
 * Answers a preflight and returns true; otherwise adds the headers and returns false.
 */
function allowCors(request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin;
  let loopback = false;
  try {
    const { hostname } = new URL(origin ?? "");
    loopback =
      hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    // No or malformed Origin: not a browser's cross-origin request.
  }
  if (!loopback) return false;
  response.setHeader("access-control-allow-origin", origin!);
  response.setHeader("vary", "origin");
  response.setHeader("access-control-expose-headers", "date, retry-after");
  if (request.method !== "OPTIONS") return false;
  response.writeHead(204, {
    "access-control-allow-methods": "GET, POST",
    "access-control-allow-headers":
      request.headers["access-control-request-headers"] ?? "authorization, content-type",
    "access-control-max-age": "600",
  });
  response.end();
  return true;
}

/** What this sandbox answers, for 404s and the CLI: `POST /enkash/oauth/token`, … */
export function endpoints(states: ReadonlyMap<string, { provider: SandboxProvider }>): string[] {
  return [...states.values()].flatMap(({ provider }) => [
    `${provider.exchange.method ?? "POST"} /${provider.id}${provider.exchange.tokenPath}`,
    `GET /${provider.id}/api/ping`,
  ]);
}

async function handle(
  states: Map<string, ProviderState>,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
): Promise<void> {
  if (allowCors(request, response)) return;
  const url = new URL(request.url ?? "/", "http://sandbox.local");
  const [, id = "", ...rest] = url.pathname.split("/");
  const state = states.get(id);
  const path = "/" + rest.join("/");
  const body = await readBody(request, maxBodyBytes);
  if (body === undefined) {
    // Stop reading: the connection closes once the answer is out.
    response.setHeader("connection", "close");
    return send(response, 413, {
      error: "payload_too_large",
      message: `request bodies are limited to ${maxBodyBytes} bytes`,
    });
  }
  const notFound = (what: string) =>
    send(response, 404, {
      error: "not_found",
      message: `${what}; this sandbox answers: ${endpoints(states).join(", ")}`,
      endpoints: endpoints(states),
    });
  if (!state) return notFound(`no provider "${id}" here`);
  const now = Date.now() + state.settings.clockSkewMs;
  response.setHeader("date", new Date(now).toUTCString());
  if (
    request.method === (state.provider.exchange.method ?? "POST") &&
    path === state.provider.exchange.tokenPath
  )
    return token(state, request, response, body, Object.fromEntries(url.searchParams), now);
  if (request.method === "GET" && path === "/api/ping") return api(state, request, response, now);
  return notFound(`${request.method} /${id}${path} is not emulated`);
}

function api(
  state: ProviderState,
  request: IncomingMessage,
  response: ServerResponse,
  now: number,
): void {
  state.stats.apiCalls += 1;
  const { header = "authorization", scheme } = state.provider.exchange.presentation ?? {};
  const value = request.headers[header.toLowerCase()];
  const carried = typeof value === "string" ? value : "";
  const [presentedScheme, presented = ""] = scheme === "" ? ["", carried] : carried.split(" ");
  // Checked when the spec fixes the scheme; otherwise any token type goes, as before.
  const schemeOk =
    scheme === "" ||
    scheme === undefined ||
    presentedScheme?.toLowerCase() === scheme.toLowerCase();
  if (!schemeOk) return send(response, 401, { error: "invalid_token" });
  const expiresAt = state.tokens.get(presented);
  if (expiresAt === undefined || expiresAt <= now)
    return send(response, 401, { error: "invalid_token" });
  send(response, 200, { provider: state.provider.id, ok: true });
}

async function token(
  state: ProviderState,
  request: IncomingMessage,
  response: ServerResponse,
  rawBody: string,
  query: Record<string, string>,
  now: number,
): Promise<void> {
  const { exchange } = state.provider;
  state.stats.tokenRequests += 1;

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
  if (answered) return;

  const body = readParameters(exchange, rawBody);
  if (body === undefined)
    return sendError(state, response, 400, "invalid_request", "Malformed JSON body", "failure");
  const params = exchange.paramsIn === "query" ? query : body;
  const grantType = params[exchange.grantField ?? "grant_type"];
  const refreshing = exchange.refreshGrant !== undefined && grantType === exchange.refreshGrant;
  if (exchange.grant !== undefined && grantType !== exchange.grant && !refreshing) {
    return sendError(
      state,
      response,
      400,
      grantType === undefined ? "invalid_request" : "unsupported_grant_type",
      grantType === undefined ? "Missing grant type" : "Unsupported grant type",
      "failure",
    );
  }
  // The spec's fixed parameters are required: a client that forgets one is told which.
  for (const constant of exchange.constants ?? []) {
    const sent =
      constant.in === "header"
        ? request.headers[constant.name.toLowerCase()]
        : (constant.in === "query" ? query : body)[constant.name];
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
  const clientOk = checkClient(state, request, query);
  const loginOk = refreshing || checkLogin(state, body);
  if (!clientOk || !loginOk) {
    state.stats.credentialFailures += 1;
    state.consecutiveFailures += 1;
    if (exchange.lockoutAfter !== undefined && state.consecutiveFailures >= exchange.lockoutAfter)
      state.stats.locked = true;
    return clientOk
      ? sendError(state, response, 400, "invalid_grant", "Bad credentials", "credentials")
      : sendError(state, response, 401, "invalid_client", "Bad client credentials", "credentials");
  }
  if (refreshing) {
    const presented = params.refresh_token ?? "";
    if (!state.refreshTokens.has(presented))
      return sendError(
        state,
        response,
        400,
        "invalid_grant",
        "Invalid refresh token",
        "credentials",
      );
    if (state.settings.rotateRefreshTokens) state.refreshTokens.delete(presented);
    state.stats.refreshGrants += 1;
  } else {
    state.consecutiveFailures = 0;
  }

  const issued = issueToken(
    state,
    params,
    now,
    refreshing ? (params.refresh_token ?? "") : undefined,
  );
  state.stats.tokensIssued += 1;
  send(response, 200, issued);
}

/**
 * Body fields as strings: a form, or a JSON object whose values are compared as the client sent
 * them (a non-string never matches a credential). Undefined for a JSON body that is not an object.
 */
function readParameters(
  exchange: ExchangeData,
  rawBody: string,
): Record<string, string> | undefined {
  if (exchange.bodyEncoding !== "json") return Object.fromEntries(new URLSearchParams(rawBody));
  if (rawBody === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
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
    const expected = state.credentials[credential.name];
    if (credential.in === "basic") {
      if ((credential.part === "username" ? username : password) !== expected) return false;
    } else if (credential.in === "header") {
      if (request.headers[credential.header.toLowerCase()] !== expected) return false;
    } else if (credential.in === "query") {
      if (query[credential.field] === undefined && !credential.required) continue;
      if (query[credential.field] !== expected) return false;
    }
  }
  return true;
}

function checkLogin(state: ProviderState, form: Record<string, string>): boolean {
  for (const credential of state.provider.exchange.credentials) {
    if (credential.in !== "body") continue;
    const presented = form[credential.field];
    if (presented === undefined && !credential.required) continue;
    if (presented !== state.credentials[credential.name]) return false;
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
  const clientId = Object.values(state.credentials)[0] ?? "client";
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
    state.refreshTokens.add(refreshToken);
    setAt(body, mapping.refreshToken, refreshToken);
  }
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
  send(response, status, body, headers);
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** The body as text, or undefined past `maxBytes` (declared or received), without buffering more. */
function readBody(request: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  if (Number(request.headers["content-length"] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      request.off("data", onData);
      chunks.length = 0;
      resolveBody(undefined);
    };
    request.on("data", onData);
    request.on("end", () => resolveBody(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
