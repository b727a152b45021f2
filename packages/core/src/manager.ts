import type { Middleware } from "openapi-fetch";
import { AuthError, AuthErrorCode } from "./errors.js";
import type { TokenEvent, TokenEventListener } from "./events.js";
import type { TokenExchange } from "./exchange.js";
import { createAuthMiddleware } from "./middleware.js";
import {
  backgroundBackoff,
  backoffDelay,
  DEFAULT_RETRY,
  defaultSleep,
  type RetryPolicy,
  unrefTimer,
} from "./retry.js";
import { MemoryTokenStore, type ReleaseLock, type TokenStore } from "./store.js";
import { DEFAULT_TIMING, noProgressDelay, schedule, type TimingPolicy } from "./timing.js";
import { type StoredToken, type TokenSet, toTokenSet } from "./token.js";
import {
  buildTokenRequest,
  defaultSender,
  type Grant,
  readTokenResponse,
  type TokenRequestSender,
} from "./token-request.js";
import { requireSecureUrl } from "./url.js";

export interface TokenManagerOptions {
  /** How the provider's token endpoint works (generated from its spec). */
  readonly exchange: TokenExchange;
  /** Credential values by option name (for example `{ clientId, clientSecret }`). */
  readonly credentials: Readonly<Record<string, string | undefined>>;
  /** Base URL the token path is appended to. https, or http on a loopback address. */
  readonly baseUrl: string;
  /** Scope to request, for providers that accept one. */
  readonly scope?: string;
  /** fetch implementation (default: `globalThis.fetch`). */
  readonly fetch?: typeof globalThis.fetch;
  /** Sends the token request (default: plain fetch; generated packages use openapi-fetch). */
  readonly send?: TokenRequestSender;
  /** Where tokens are kept (default: in memory, per manager). */
  readonly store?: TokenStore;
  /** Allow plain http to non-loopback hosts. Only for trusted networks. */
  readonly allowInsecureHttp?: boolean;
  readonly timing?: Partial<TimingPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  /** Called for every event; see `TokenEvent`. Events never carry secrets. */
  readonly onEvent?: TokenEventListener;
  /** Injected clock (epoch ms) for tests. */
  readonly clock?: () => number;
  /** Injected randomness in [0, 1) for tests (jitter). */
  readonly random?: () => number;
  /** Injected wait for tests; `keepAlive` is false for background work. */
  readonly sleep?: (ms: number, keepAlive: boolean) => Promise<void>;
}

export interface GetTokenOptions {
  /** Aborts this caller's wait only; a request shared with other callers keeps going. */
  readonly signal?: AbortSignal;
  /** Ignore the cached token and fetch a new one. */
  readonly forceRefresh?: boolean;
}

/**
 * Hands out tokens without making callers think about expiry.
 *
 * @example
 * const auth = createTokenManager({ exchange, credentials: { clientId, clientSecret }, baseUrl });
 * const { accessToken } = await auth.getToken();
 */
export interface TokenManager<Raw = Record<string, unknown>> {
  /** A valid token: cached, renewed in the background ahead of expiry, one request for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<TokenSet<Raw>>;
  /** `"<Type> <token>"`, for example `"Bearer abc"`. */
  getAuthorizationHeader(options?: GetTokenOptions): Promise<string>;
  /** Drops the cached token, but only if it is still `accessToken` (when given). */
  invalidate(accessToken?: string): Promise<void>;
  /** openapi-fetch middleware: sets Authorization and replays a request once after a 401. */
  middleware(): Middleware;
  /** Subscribes to events; returns the unsubscribe function. */
  on(listener: TokenEventListener): () => void;
  /** The store key: token URL, grant, scope and non-secret client identity. Never a secret. */
  readonly cacheKey: string;
}

interface Entry<Raw> {
  readonly stored: StoredToken;
  readonly token: TokenSet<Raw>;
  readonly promise: Promise<TokenSet<Raw>>;
  readonly refreshAt: number;
  readonly usableUntil: number;
  /** No new request before this (a refresh that did not move expiry forward). */
  notBefore: number;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Creates a token manager for one provider and one set of credentials.
 *
 * @example
 * import { createTokenManager } from "@auth/core";
 * const auth = createTokenManager({
 *   exchange: provider,
 *   credentials: { clientId: "id", clientSecret: "secret" },
 *   baseUrl: "https://auth.example.com",
 * });
 * const header = await auth.getAuthorizationHeader();
 */
export function createTokenManager<Raw = Record<string, unknown>>(
  options: TokenManagerOptions,
): TokenManager<Raw> {
  const exchange = options.exchange;
  const provider = exchange.provider;
  const credentials = checkCredentials(exchange, options.credentials);
  if (typeof options.baseUrl !== "string" || options.baseUrl === "") {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `baseUrl is required for ${provider}; pass the provider's API host`,
    );
  }
  const baseUrl = requireSecureUrl(options.baseUrl, "baseUrl", options.allowInsecureHttp).href;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      "no fetch implementation found; pass the fetch option",
    );
  }
  const send = options.send ?? defaultSender;
  const store: TokenStore = options.store ?? new MemoryTokenStore();
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const timing: TimingPolicy = { ...DEFAULT_TIMING, ...options.timing };
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const scope = options.scope;
  const key = cacheKeyFor(exchange, baseUrl, scope, credentials);
  const listeners = new Set<TokenEventListener>();
  if (options.onEvent) listeners.add(options.onEvent);

  let current: Entry<Raw> | undefined;
  /** The last token dropped by invalidate(): its refresh token may still be good. */
  let retired: StoredToken | undefined;
  let inflight: Promise<Entry<Raw>> | undefined;
  let credentialFailure: { error: AuthError; until: number } | undefined;
  let backgroundFailures = 0;
  let backgroundBlockedUntil = 0;

  function emit(event: TokenEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break token handling.
      }
    }
  }

  function toEntry(stored: StoredToken): Entry<Raw> {
    const token = toTokenSet<Raw>(stored);
    return {
      stored,
      token,
      promise: Promise.resolve(token),
      ...schedule(stored.obtainedAt, stored.expiresAt, timing, random),
      notBefore: 0,
    };
  }

  function getToken(getOptions?: GetTokenOptions): Promise<TokenSet<Raw>> {
    const entry = current;
    if (entry !== undefined && getOptions?.forceRefresh !== true) {
      const now = clock();
      if (now < entry.refreshAt)
        return getOptions?.signal?.aborted ? Promise.reject(abortedError(provider)) : entry.promise;
      if (now < entry.usableUntil || (now < entry.notBefore && now < entry.stored.expiresAt)) {
        refreshInBackground(now, entry);
        if (listeners.size > 0)
          emit({ type: "served_stale", provider, expiresAt: entry.stored.expiresAt });
        return entry.promise;
      }
    }
    return withAbort(
      acquire(getOptions?.forceRefresh === true, false),
      getOptions?.signal,
      provider,
    ).then((e) => e.token);
  }

  function acquire(force: boolean, background: boolean): Promise<Entry<Raw>> {
    const remembered = credentialFailure;
    if (remembered !== undefined) {
      const left = remembered.until - clock();
      if (left > 0) {
        emit({ type: "credentials_failure_remembered", provider, retryInMs: left });
        return Promise.reject(remembered.error);
      }
      credentialFailure = undefined;
    }
    inflight ??= refresh(force, background).finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  function refreshInBackground(now: number, entry: Entry<Raw>): void {
    if (inflight !== undefined || now < backgroundBlockedUntil || now < entry.notBefore) return;
    if (credentialFailure !== undefined && now < credentialFailure.until) return;
    acquire(false, true).then(
      (fresh) =>
        emit({ type: "refreshed_in_background", provider, expiresAt: fresh.stored.expiresAt }),
      (error: unknown) => {
        backgroundFailures += 1;
        const wait = backgroundBackoff(backgroundFailures, random);
        backgroundBlockedUntil = clock() + wait;
        emit({
          type: "background_refresh_failed",
          provider,
          code: toAuthError(error, provider).code,
          nextAttemptInMs: wait,
        });
      },
    );
  }

  async function refresh(force: boolean, background: boolean): Promise<Entry<Raw>> {
    const previous = current?.stored ?? retired;
    if (!force) {
      const shared = await adoptFromStore(previous);
      if (shared !== undefined) return shared;
    }
    let release: ReleaseLock | undefined;
    if (store.lock !== undefined) {
      release = await store.lock(key, retry.maxElapsedMs);
      if (release === undefined) {
        // Another instance is refreshing: wait for its token, then fall back to our own request.
        const deadline = clock() + retry.maxElapsedMs;
        while (clock() < deadline) {
          await sleep(100, !background);
          const shared = await adoptFromStore(previous);
          if (shared !== undefined) return shared;
        }
      }
    }
    try {
      const stored = await obtain(previous, background);
      const entry = toEntry(stored);
      if (previous !== undefined && stored.expiresAt <= previous.expiresAt) {
        entry.notBefore = clock() + noProgressDelay(stored.expiresAt - stored.obtainedAt, timing);
      }
      current = entry;
      retired = undefined;
      backgroundFailures = 0;
      backgroundBlockedUntil = 0;
      try {
        await store.set(key, stored, Math.max(0, stored.expiresAt - clock()));
      } catch {
        // The token is good and served from memory; a failing shared store only costs sharing.
      }
      return entry;
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  /** A token another caller or instance stored that is newer than ours and not yet due for refresh. */
  async function adoptFromStore(
    previous: StoredToken | undefined,
  ): Promise<Entry<Raw> | undefined> {
    let stored: StoredToken | undefined;
    try {
      stored = await store.get(key);
    } catch {
      return undefined;
    }
    if (stored === undefined || stored.accessToken === previous?.accessToken) return undefined;
    const entry = toEntry(stored);
    if (clock() >= entry.refreshAt) return undefined;
    current = entry;
    return entry;
  }

  async function obtain(
    previous: StoredToken | undefined,
    background: boolean,
  ): Promise<StoredToken> {
    const refreshToken = previous?.refreshToken;
    if (refreshToken !== undefined && exchange.refreshGrant !== undefined) {
      try {
        const renewed = await requestWithRetries({ kind: "refresh", refreshToken }, background);
        // Keep the old refresh token when the response omits one; take the new one when rotated.
        return renewed.refreshToken === undefined ? { ...renewed, refreshToken } : renewed;
      } catch (error) {
        if (!(AuthError.isInstance(error) && error.code === AuthErrorCode.InvalidCredentials))
          throw error;
        emit({ type: "refresh_grant_rejected", provider });
      }
    }
    try {
      return await requestWithRetries({ kind: "primary" }, background);
    } catch (error) {
      if (AuthError.isInstance(error) && error.code === AuthErrorCode.InvalidCredentials) {
        credentialFailure = { error, until: clock() + timing.credentialFailureTtlMs };
      }
      throw error;
    }
  }

  async function requestWithRetries(grant: Grant, background: boolean): Promise<StoredToken> {
    const started = clock();
    for (let attempt = 1; ; attempt++) {
      emit({ type: "fetch_started", provider, grant: grant.kind, attempt, background });
      const attemptStarted = clock();
      const remaining = retry.maxElapsedMs - (attemptStarted - started);
      try {
        const stored = await attemptOnce(
          grant,
          Math.max(1, Math.min(retry.attemptTimeoutMs, remaining)),
        );
        emit({
          type: "fetch_succeeded",
          provider,
          grant: grant.kind,
          attempt,
          background,
          expiresAt: stored.expiresAt,
          durationMs: clock() - attemptStarted,
        });
        return stored;
      } catch (caught) {
        const error = toAuthError(caught, provider);
        let delay: number | undefined;
        if (error.retryable && attempt < retry.maxAttempts) {
          delay = error.retryAfterMs ?? backoffDelay(attempt, retry, random);
          if (clock() - started + delay >= retry.maxElapsedMs) delay = undefined;
        }
        emit({
          type: "fetch_failed",
          provider,
          grant: grant.kind,
          attempt,
          background,
          code: error.code,
          status: error.status,
          retryInMs: delay,
        });
        if (delay === undefined) throw withAttempts(error, attempt);
        await sleep(delay, !background);
      }
    }
  }

  async function attemptOnce(grant: Grant, timeoutMs: number): Promise<StoredToken> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    unrefTimer(timer);
    const startedAt = clock();
    try {
      const request = buildTokenRequest(
        exchange,
        credentials,
        baseUrl,
        grant,
        scope,
        controller.signal,
      );
      const response = await send(request, fetchImpl);
      return await readTokenResponse(response, {
        exchange,
        startedAt,
        receivedAt: clock,
        defaultTtlMs: timing.defaultTtlMs,
        grant,
      });
    } catch (error) {
      if (AuthError.isInstance(error)) throw error;
      if (timedOut) {
        throw new AuthError(
          AuthErrorCode.Timeout,
          `${provider} token endpoint did not answer within ${timeoutMs} ms. Check connectivity or raise retry.attemptTimeoutMs`,
          { provider, cause: error },
        );
      }
      throw new AuthError(
        AuthErrorCode.Network,
        `could not reach ${provider} token endpoint (${describeNetworkError(error)}). Check baseUrl and connectivity`,
        { provider, cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async function invalidate(accessToken?: string): Promise<void> {
    const entry = current;
    if (
      entry !== undefined &&
      (accessToken === undefined || entry.stored.accessToken === accessToken)
    ) {
      retired = entry.stored;
      current = undefined;
    }
    try {
      await store.delete(key, accessToken);
    } catch {
      // The local copy is gone; a shared store that cannot delete will be overwritten on refresh.
    }
  }

  const manager: TokenManager<Raw> = {
    getToken,
    getAuthorizationHeader: (getOptions) =>
      getToken(getOptions).then((token) => `${token.tokenType} ${token.accessToken}`),
    invalidate,
    middleware: () => createAuthMiddleware(manager),
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    cacheKey: key,
  };
  Object.defineProperty(manager, INSPECT, {
    value: () => `TokenManager { provider: '${provider}', cacheKey: '${key}' }`,
  });
  Object.defineProperty(manager, "toJSON", { value: () => ({ provider, cacheKey: key }) });
  return manager;
}

function checkCredentials(
  exchange: TokenExchange,
  given: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  if (typeof given !== "object" || given === null) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `credentials for ${exchange.provider} are missing`,
    );
  }
  const known = new Set(exchange.credentials.map((c) => c.name));
  for (const name of Object.keys(given)) {
    if (!known.has(name) && given[name] !== undefined) {
      throw new AuthError(
        AuthErrorCode.InvalidOptions,
        `unknown credential "${name}" for ${exchange.provider}; expected ${[...known].join(", ")}`,
      );
    }
  }
  const result: Record<string, string> = {};
  for (const credential of exchange.credentials) {
    const value = given[credential.name];
    if (value === undefined || value === "") {
      if (credential.required) {
        throw new AuthError(
          AuthErrorCode.InvalidOptions,
          `${credential.name} is required for ${exchange.provider}; pass it to createAuth({ ${credential.name}: … })`,
        );
      }
      continue;
    }
    if (typeof value !== "string") {
      throw new AuthError(AuthErrorCode.InvalidOptions, `${credential.name} must be a string`);
    }
    if (/[\r\n\0]/.test(value)) {
      throw new AuthError(
        AuthErrorCode.InvalidOptions,
        `${credential.name} contains a line break or NUL; check the value (a trailing newline from a file or env var?)`,
      );
    }
    result[credential.name] = value;
  }
  return result;
}

function cacheKeyFor(
  exchange: TokenExchange,
  baseUrl: string,
  scope: string | undefined,
  credentials: Record<string, string>,
): string {
  const identity = exchange.credentials
    .filter((c) => !c.secret && credentials[c.name] !== undefined)
    .map((c) => `${c.name}=${encodeURIComponent(credentials[c.name]!)}`)
    .join("&");
  const url = baseUrl.replace(/\/+$/, "") + exchange.tokenPath;
  return `${url}|${exchange.grant ?? "none"}|${scope ?? ""}|${identity}`;
}

function withAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  provider: string,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortedError(provider));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(provider));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function abortedError(provider: string): AuthError {
  return new AuthError(
    AuthErrorCode.Aborted,
    `waiting for a ${provider} token was aborted by the caller's signal`,
    { provider },
  );
}

function toAuthError(error: unknown, provider: string): AuthError {
  if (AuthError.isInstance(error)) return error;
  return new AuthError(
    AuthErrorCode.Network,
    `unexpected failure while requesting a ${provider} token`,
    { provider, cause: error },
  );
}

function withAttempts(error: AuthError, attempts: number): AuthError {
  if (attempts === 1) return error;
  return new AuthError(error.code, `${error.message} (gave up after ${attempts} attempts)`, {
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.oauthError !== undefined ? { oauthError: error.oauthError } : {}),
    ...(error.oauthErrorDescription !== undefined
      ? { oauthErrorDescription: error.oauthErrorDescription }
      : {}),
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    provider: error.provider ?? "",
    attempts,
    cause: error.cause,
  });
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === "string") return cause.code;
  return error instanceof Error ? error.name : "unknown error";
}
