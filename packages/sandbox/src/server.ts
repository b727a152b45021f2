import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SandboxError } from "./errors.js";
import {
  providers as allProviders,
  type ProviderId,
  type SandboxCredentials,
} from "./providers.gen.js";
import { tokenOperation } from "./spec.js";
import { send, token, type ProviderState } from "./token-endpoint.js";
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

/** Options of `startSandbox`; every one is optional. */
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
  /** Root URL, for example `http://127.0.0.1:4010`. */
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
      settings: { ...DEFAULT_SETTINGS, ...checkSettings(options.settings) },
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
      refreshTokens: new Map(),
      nextSweep: 0,
    });
  }

  const allowedHosts = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase()));
  const server = createServer((request, response) => {
    if (!hostAllowed(request.headers.host, allowedHosts)) {
      response.setHeader("connection", "close");
      return send(response, 421, {
        error: "misdirected_request",
        message:
          "this sandbox answers loopback host names only (Host: 127.0.0.1, localhost, [::1]); pass allowedHosts to answer another",
      });
    }
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
      target.settings = { ...target.settings, ...checkSettings(settings) };
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
