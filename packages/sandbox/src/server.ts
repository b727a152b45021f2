import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { demoAssertionKey, minted } from "./assertion.js";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SandboxError } from "./errors.js";
import {
  providers as allProviders,
  type ProviderId,
  type SandboxCredentials,
} from "./providers.gen.js";
import { fillTemplate, tokenOperation } from "./spec.js";
import {
  acceptMinted,
  seedRefreshToken,
  send,
  token,
  type ProviderState,
} from "./token-endpoint.js";
import type {
  ExchangeData,
  Fault,
  ProviderSettings,
  ProviderStats,
  SandboxProvider,
} from "./types.js";

/** Loopback host names and addresses: what the sandbox binds to and answers by default. */
export function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname === "[::1]" ||
    hostname === "::1" ||
    /^127(\.\d{1,3}){3}$/.test(hostname)
  );
}

/** Options of `startSandbox`; every one is optional. */
export interface SandboxOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  readonly port?: number;
  /**
   * Host to bind (default 127.0.0.1). Anything but a loopback address needs `exposed: true`:
   * whoever reaches it can get demo tokens and drive the control endpoints.
   */
  readonly host?: string;
  /** Allow a `host` that is not loopback (a container's 0.0.0.0). Off by default. */
  readonly exposed?: boolean;
  /** Provider ids to emulate (default: every spec). */
  readonly providers?: readonly string[];
  /** Defaults for every provider; change one provider later with `configure`. */
  readonly settings?: Partial<ProviderSettings>;
  /** Override demo credentials per provider. */
  readonly credentials?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Largest request body accepted, in bytes (default 1 MiB); a larger one gets 413. */
  readonly maxBodyBytes?: number;
  /**
   * Host names (the `Host` header, without port) answered besides loopback names and addresses.
   * Any other gets 421, so a web page cannot reach the sandbox through DNS rebinding.
   */
  readonly allowedHosts?: readonly string[];
}

/** Real token requests are a few hundred bytes. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** A running sandbox: where it listens, what to pass to `createAuth`, and its controls. */
export interface Sandbox {
  /** Root URL, for example `http://127.0.0.1:4280`. */
  readonly url: string;
  /** Base URL to give each provider's `createAuth({ baseUrl })` (emulated providers only). */
  readonly baseUrls: Readonly<Record<ProviderId, string>>;
  /** Demo credentials per provider, ready to spread into `createAuth` (emulated providers only). */
  readonly credentials: Readonly<SandboxCredentials>;
  /** Live counters per provider (emulated providers only). */
  readonly stats: Readonly<Record<ProviderId, ProviderStats>>;
  /** Faults in token responses, injected by the test. */
  readonly faults: {
    /** Injects a fault into token responses of one provider (or "*"), `times` times (default: until cleared). */
    inject(provider: string, fault: Fault, options?: { times?: number }): void;
    /** Removes the injected faults of one provider, or of every provider. */
    clear(provider?: string): void;
  };
  /** Changes how a provider issues tokens. */
  configure(provider: string, settings: Partial<ProviderSettings>): void;
  /** Revokes every access and refresh token a provider issued (API calls then answer 401). */
  revokeTokens(provider: string): void;
  /** Clears a provider's lockout and failure count. */
  unlock(provider: string): void;
  /**
   * Back to how it started, for one provider or every one: no faults, no tokens, counters at
   * zero, no lockout, the settings it was started with.
   */
  reset(provider?: string): void;
  /** Stops listening and closes every open connection. */
  close(): Promise<void>;
}

const DEFAULT_SETTINGS: ProviderSettings = {
  lifetimeSeconds: 3600,
  includeExpiry: true,
  absoluteUnit: "milliseconds",
  rotateRefreshTokens: true,
  clockSkewMs: 0,
};

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
  if (typeof host !== "string" || (!isLoopbackHost(host) && options.exposed !== true)) {
    throw new SandboxError(
      "invalid_options",
      `host must be a loopback address (127.0.0.1, ::1, localhost), or pass exposed: true (--host with the CLI) to bind another; got "${String(host)}"`,
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
    // A provider that takes values encrypted with its RSA public key: the sandbox is that provider,
    // so it makes the key pair, gives the client the public half, and keeps the private one.
    const rsaKeys = new Map<string, KeyObject>();
    const credentials = {
      ...demoCredentials(provider.exchange, provider.document),
      ...options.credentials?.[id],
    };
    for (const value of provider.exchange.computed ?? []) {
      if (value.kind !== "rsa-oaep" || options.credentials?.[id]?.[value.key!] !== undefined)
        continue;
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      rsaKeys.set(value.key!, pair.privateKey);
      credentials[value.key!] = pair.publicKey.export({ type: "spki", format: "pem" }) as string;
    }
    states.set(id, {
      provider,
      operation: tokenOperation(
        provider.document as Record<string, unknown>,
        provider.exchange.tokenPath,
        (provider.exchange.method ?? "POST").toLowerCase(),
      ),
      credentials,
      settings: startSettingsOf(provider.exchange),
      stats: freshStats(),
      faults: [],
      consecutiveFailures: 0,
      tokens: new Map(),
      refreshTokens: new Map(),
      nextSweep: 0,
      assertionIds: new Set(),
      rsaKeys,
      revoked: new Set(),
    });
    seedRefreshToken(states.get(id)!);
  }

  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  /**
   * A provider that documents a lifetime and never sends one (`expiry.lifetimeSeconds`, no field)
   * issues tokens for that lifetime: the client cannot learn another. `settings` still wins.
   */
  function startSettingsOf(exchange: ExchangeData): ProviderSettings {
    const stated =
      exchange.expiry?.field === undefined && exchange.expiry?.lifetimeSeconds !== undefined
        ? { lifetimeSeconds: exchange.expiry.lifetimeSeconds }
        : {};
    return { ...DEFAULT_SETTINGS, ...stated, ...checkSettings(options.settings) };
  }
  // Filled in below: the control endpoints call the same methods the JS API offers.
  let controls: Sandbox | undefined;
  const server = createServer((request, response) => {
    if (!hostAllowed(request.headers.host, allowedHosts)) {
      response.setHeader("connection", "close");
      return send(response, 421, {
        error: "misdirected_request",
        message:
          "this sandbox answers loopback host names only (Host: 127.0.0.1, localhost, [::1]); pass allowedHosts to answer another",
      });
    }
    handle(states, request, response, maxBodyBytes, controls!).catch(() => {
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
  controls = {
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
      target.settings = { ...target.settings, ...checkSettings(settings) };
    },
    revokeTokens(provider) {
      // Minted tokens verify forever: the ones the API accepted are refused from now on.
      if (minted(state(provider).provider.exchange.assertion))
        for (const token of state(provider).tokens.keys()) state(provider).revoked.add(token);
      state(provider).tokens.clear();
      state(provider).refreshTokens.clear();
      // What consent gave the client (a seeded refresh token) is not a token the sandbox issued.
      seedRefreshToken(state(provider));
    },
    unlock(provider) {
      const target = state(provider);
      target.consecutiveFailures = 0;
      target.stats.locked = false;
    },
    reset(provider) {
      for (const target of provider === undefined ? states.values() : [state(provider)]) {
        target.faults = [];
        target.tokens.clear();
        target.refreshTokens.clear();
        seedRefreshToken(target);
        target.consecutiveFailures = 0;
        // In place: `sandbox.stats[id]` handed out earlier keeps counting.
        Object.assign(target.stats, freshStats());
        target.settings = startSettingsOf(target.provider.exchange);
      }
    },
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
  return controls;
}

function freshStats(): ProviderStats {
  return {
    tokenRequests: 0,
    tokensIssued: 0,
    refreshGrants: 0,
    credentialFailures: 0,
    faultsInjected: 0,
    apiCalls: 0,
    locked: false,
  };
}

/**
 * Settings are exact: a boolean is `true` or `false` (`"false"` from an env file is refused, not
 * truthy), a number is finite, a unit is one of its two names; unknown keys are refused.
 */
function checkSettings(settings: Partial<ProviderSettings> | undefined): Partial<ProviderSettings> {
  if (settings === undefined) return {};
  const fail = (message: string) => {
    throw new SandboxError("invalid_options", `settings.${message}`);
  };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(DEFAULT_SETTINGS, key))
      fail(`${key} is not a setting; expected one of ${Object.keys(DEFAULT_SETTINGS).join(", ")}`);
    const expected = typeof DEFAULT_SETTINGS[key as keyof ProviderSettings];
    if (typeof value !== expected || (expected === "number" && !Number.isFinite(value)))
      fail(
        `${key} must be a ${expected === "number" ? "finite number" : expected}; got ${JSON.stringify(value)}`,
      );
    if (key === "absoluteUnit" && value !== "seconds" && value !== "milliseconds")
      fail(`absoluteUnit must be "seconds" or "milliseconds"; got ${JSON.stringify(value)}`);
  }
  return settings;
}

/** A `Host` header naming a loopback host, or one the user allowed (DNS rebinding defence). */
function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (host === undefined) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  return isLoopbackHost(hostname) || allowed.has(hostname);
}

/**
 * Obvious ASCII placeholders, kind to a first `curl` or `.env` file. (The UTF-8 case — a Basic
 * password with a non-Latin-1 character — is exercised by the tests with `credentials`.)
 */
function demoCredentials(
  exchange: ExchangeData,
  document: Readonly<Record<string, unknown>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const credential of exchange.credentials)
    if (credential.name === exchange.assertion?.key)
      values[credential.name] = demoAssertionKey(exchange.assertion.alg);
    else if (credential.template === undefined)
      values[credential.name] =
        `demo-${exchange.provider}-${credential.name.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`;
  // A server variable's demo value is the spec's default: the example OpenAPI asks for, which fits
  // the variable's enum and pattern.
  const servers = Array.isArray(document.servers) ? (document.servers as unknown[]) : [];
  for (const variable of exchange.variables ?? [])
    for (const server of servers) {
      const declared = (server as { variables?: Record<string, { default?: unknown }> }).variables;
      const example = declared?.[variable.name]?.default;
      if (typeof example === "string") values[variable.name] ??= example;
    }
  return values;
}

/** An `Origin` on a loopback host (a page of the developer's own); false when absent or malformed. */
function loopbackOrigin(origin: string | undefined): boolean {
  try {
    return isLoopbackHost(new URL(origin ?? "").hostname);
  } catch {
    return false;
  }
}

/**
 * CORS for pages served from a loopback origin (a frontend under test talking to the emulator);
 * other origins get no CORS headers, so a website in a developer's browser cannot use it.
 * Answers a preflight and returns true; otherwise adds the headers and returns false.
 */
function allowCors(request: IncomingMessage, response: ServerResponse): boolean {
  const origin = request.headers.origin;
  if (!loopbackOrigin(origin)) return false;
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
    // A provider whose client mints its own tokens has no token endpoint.
    ...(minted(provider.exchange.assertion)
      ? []
      : [`${provider.exchange.method ?? "POST"} /${provider.id}${provider.exchange.tokenPath}`]),
    ...(provider.exchange.refresh
      ? [`POST /${provider.id}${provider.exchange.refresh.tokenPath}`]
      : []),
    `GET /${provider.id}/api/ping`,
  ]);
}

async function handle(
  states: Map<string, ProviderState>,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes: number,
  sandbox: Sandbox,
): Promise<void> {
  if (allowCors(request, response)) return;
  const url = new URL(request.url ?? "/", "http://sandbox.local");
  const [, id = "", ...rest] = url.pathname.split("/");
  // Provider ids are npm names: they never start with "__".
  if (id === "__health" && rest.length === 0 && request.method === "GET")
    return send(response, 200, { status: "ok", providers: [...states.keys()] });
  if (id === "__control") {
    const body = await readBody(request, maxBodyBytes);
    return control(sandbox, states, request, response, rest.join("/"), body);
  }
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
  if (request.method === "POST" && path === state.provider.exchange.refresh?.tokenPath)
    return token(state, request, response, body, Object.fromEntries(url.searchParams), now, true);
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
  const presentation = state.provider.exchange.presentation ?? {};
  const { header = "authorization", scheme } = presentation;
  const value = request.headers[header.toLowerCase()];
  const carried = typeof value === "string" ? value : "";
  const [presentedScheme, written = ""] = scheme === "" ? ["", carried] : carried.split(" ");
  // A built presentation (`Basic base64({companyId}:{token})`): undo the encoding, then take the
  // token from between the filled-in text around `{token}`.
  let presented = written;
  if (presentation.template !== undefined) {
    const text =
      presentation.encoding === "base64"
        ? Buffer.from(written, "base64").toString("utf8")
        : written;
    const [before = "", after = ""] = fillTemplate(
      presentation.template,
      state.credentials,
      "token",
    ).split("{token}");
    presented =
      text.startsWith(before) && text.endsWith(after) && text.length >= before.length + after.length
        ? text.slice(before.length, text.length - after.length)
        : "";
  }
  // Checked when the spec fixes the scheme; otherwise any token type goes, as before.
  const schemeOk =
    scheme === "" ||
    scheme === undefined ||
    presentedScheme?.toLowerCase() === scheme.toLowerCase();
  if (!schemeOk) return send(response, 401, { error: "invalid_token" });
  // A token the client minted itself is checked as the API documents it; one the sandbox issued
  // must be live.
  const accepted = minted(state.provider.exchange.assertion)
    ? acceptMinted(state, presented, now)
    : (state.tokens.get(presented) ?? 0) > now;
  if (!accepted) return send(response, 401, { error: "invalid_token" });
  send(response, 200, { provider: state.provider.id, ok: true });
}

/**
 * `/__control/…`: the JS API over HTTP, for a test in another process or language. Same Host
 * check as everything else; and, because a web page may POST to loopback without asking (a
 * "simple" request), a change needs `content-type: application/json` (which makes a browser ask
 * first, and the sandbox only says yes to loopback origins) and is refused with any other origin.
 *
 * - `GET stats` → every emulated provider's counters
 * - `POST faults` `{ provider, fault, times? }` · `POST faults/clear` `{ provider? }`
 * - `POST revoke` `{ provider }` · `POST unlock` `{ provider }` · `POST reset` `{ provider? }`
 * - `POST configure` `{ provider, settings }`
 */
function control(
  sandbox: Sandbox,
  states: ReadonlyMap<string, ProviderState>,
  request: IncomingMessage,
  response: ServerResponse,
  action: string,
  body: string | undefined,
): void {
  if (request.method === "GET" && action === "stats")
    return send(response, 200, Object.fromEntries([...states].map(([id, s]) => [id, s.stats])));
  const actions = ["faults", "faults/clear", "revoke", "unlock", "reset", "configure"];
  if (request.method !== "POST" || !actions.includes(action))
    return send(response, 404, {
      error: "not_found",
      message: `the control endpoints are GET /__control/stats and POST /__control/{${actions.join(",")}}`,
    });
  const origin = request.headers.origin;
  if (origin !== undefined && !loopbackOrigin(origin))
    return send(response, 403, {
      error: "forbidden",
      message: "control requests from web pages are refused",
    });
  if (!/^application\/json\b/i.test(request.headers["content-type"] ?? ""))
    return send(response, 415, {
      error: "unsupported_media_type",
      message: "send control requests as JSON (content-type: application/json)",
    });
  if (body === undefined)
    return send(response, 413, { error: "payload_too_large", message: "body too large" });
  let input: Record<string, unknown>;
  try {
    const parsed: unknown = body.trim() === "" ? {} : JSON.parse(body);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      throw new Error("not an object");
    input = parsed as Record<string, unknown>;
  } catch {
    return send(response, 400, {
      error: "invalid_request",
      message: "the body must be a JSON object",
    });
  }
  const provider = input.provider;
  const needsProvider = !["faults/clear", "reset"].includes(action);
  if (provider !== undefined ? typeof provider !== "string" : needsProvider)
    return send(response, 400, {
      error: "invalid_request",
      message: `"provider" must be ${needsProvider ? "a provider id" : "a provider id, or left out for every provider"}`,
    });
  try {
    if (action === "faults") {
      const fault = checkFault(input.fault);
      const times = input.times;
      if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1))
        throw new SandboxError("invalid_options", "times must be a whole number ≥ 1");
      sandbox.faults.inject(
        provider as string,
        fault,
        times === undefined ? {} : { times: times as number },
      );
    } else if (action === "faults/clear") sandbox.faults.clear(provider as string | undefined);
    else if (action === "revoke") sandbox.revokeTokens(provider as string);
    else if (action === "unlock") sandbox.unlock(provider as string);
    else if (action === "reset") sandbox.reset(provider as string | undefined);
    else sandbox.configure(provider as string, (input.settings ?? {}) as Partial<ProviderSettings>);
  } catch (error) {
    if (!(error instanceof SandboxError)) throw error;
    return send(response, error.code === "unknown_provider" ? 404 : 400, {
      error: error.code,
      message: error.message,
    });
  }
  send(response, 200, { ok: true });
}

/** A fault from JSON, checked field by field (the JS API has types; HTTP has only this). */
function checkFault(value: unknown): Fault {
  const fault = value as Record<string, unknown> | null;
  const fail = (why: string): never => {
    throw new SandboxError(
      "invalid_options",
      `fault ${why}; one of {type:"latency",ms}, {type:"status",status}, {type:"rate-limit",retryAfterSeconds}, {type:"reset"}, {type:"garbage"}, {type:"html"}`,
    );
  };
  if (fault === null || typeof fault !== "object") return fail("must be an object");
  const number = (name: string, min: number, max: number) => {
    const n = fault[name];
    if (!(typeof n === "number" && Number.isInteger(n) && n >= min && n <= max))
      fail(`${name} must be a whole number from ${min} to ${max}`);
  };
  switch (fault.type) {
    case "latency":
      number("ms", 0, 600_000);
      return { type: "latency", ms: fault.ms as number };
    case "status":
      number("status", 100, 599);
      return { type: "status", status: fault.status as number };
    case "rate-limit":
      number("retryAfterSeconds", 0, 86_400);
      return { type: "rate-limit", retryAfterSeconds: fault.retryAfterSeconds as number };
    case "reset":
    case "garbage":
    case "html":
      return { type: fault.type };
    default:
      return fail(`type ${JSON.stringify(fault.type)} is unknown`);
  }
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
