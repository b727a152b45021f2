import type { Middleware } from "openapi-fetch";
import { AuthError, AuthErrorCode } from "./errors.js";
import type { TokenEvent, TokenEventListener } from "./events.js";
import type { TokenExchange } from "./exchange.js";
import { createAuthMiddleware } from "./middleware.js";
import { DEFAULT_RETRY, defaultSleep, type RetryPolicy } from "./retry.js";
import { MemoryTokenStore, type ReleaseLock, type TokenStore } from "./store.js";
import { DEFAULT_TIMING, schedule, type TimingPolicy } from "./timing.js";
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
  readonly promise: Promise<TokenSet<Raw>>;
  readonly refreshAt: number;
  readonly usableUntil: number;
  /** No new request before this: the last refresh did not move expiry forward. */
  notBefore: number;
}

type EventData<T extends TokenEvent["type"]> = Omit<
  Extract<TokenEvent, { type: T }>,
  "type" | "provider"
>;

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
  const { exchange, scope } = options;
  const provider = exchange.provider;
  const credentials = checkCredentials(exchange, options.credentials);
  const baseUrl = requireSecureUrl(options.baseUrl, "baseUrl", options.allowInsecureHttp).href;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const send = options.send ?? defaultSender;
  const store: TokenStore = options.store ?? new MemoryTokenStore();
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  const timing: TimingPolicy = { ...DEFAULT_TIMING, ...options.timing };
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const identity = exchange.credentials
    .filter((c) => !c.secret && credentials[c.name])
    .map((c) => `${c.name}=${encodeURIComponent(credentials[c.name]!)}`);
  const key = `${baseUrl.replace(/\/+$/, "")}${exchange.tokenPath}|${exchange.grant ?? "none"}|${scope ?? ""}|${identity.join("&")}`;
  const listeners = new Set(options.onEvent ? [options.onEvent] : []);

  let current: Entry<Raw> | undefined;
  /** The last token dropped by invalidate(): its refresh token may still be good. */
  let retired: StoredToken | undefined;
  let inflight: Promise<TokenSet<Raw>> | undefined;
  /** A credentials failure, remembered so a burst of callers does not re-send bad credentials. */
  let failure: AuthError | undefined;
  let failureUntil = 0;
  let backgroundFailures = 0;
  let backgroundUntil = 0;

  function emit<T extends TokenEvent["type"]>(type: T, data: EventData<T>): void {
    for (const listener of listeners) {
      try {
        listener({ type, provider, ...data } as TokenEvent);
      } catch {
        // A listener's bug must not break token handling.
      }
    }
  }

  function toEntry(stored: StoredToken): Entry<Raw> {
    const s = schedule(stored.obtainedAt, stored.expiresAt, timing, random);
    return {
      stored,
      promise: Promise.resolve(toTokenSet<Raw>(stored)),
      refreshAt: s.refreshAt,
      usableUntil: s.usableUntil,
      notBefore: 0,
    };
  }

  function getToken(getOptions: GetTokenOptions = {}): Promise<TokenSet<Raw>> {
    const { signal, forceRefresh } = getOptions;
    const entry = current;
    if (signal?.aborted) return Promise.reject(aborted());
    if (entry && !forceRefresh) {
      const now = clock();
      if (now < entry.refreshAt) return entry.promise;
      if (now < entry.usableUntil || (now < entry.notBefore && now < entry.stored.expiresAt)) {
        if (!inflight && now >= backgroundUntil && now >= entry.notBefore && now >= failureUntil) {
          acquire(false, true).then(
            (fresh) => emit("refreshed_in_background", { expiresAt: fresh.expiresAt }),
            (error: AuthError) => {
              const wait =
                Math.min(60_000, 1_000 * 2 ** backgroundFailures++) * (0.5 + random() / 2);
              backgroundUntil = clock() + wait;
              emit("background_refresh_failed", { code: error.code, nextAttemptInMs: wait });
            },
          );
        }
        if (listeners.size) emit("served_stale", { expiresAt: entry.stored.expiresAt });
        return entry.promise;
      }
    }
    const shared = acquire(!!forceRefresh, false);
    if (!signal) return shared;
    // This caller may stop waiting; the shared request goes on for the others.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(aborted());
      signal.addEventListener("abort", onAbort, { once: true });
      shared.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  function aborted(): AuthError {
    return new AuthError(
      AuthErrorCode.Aborted,
      `waiting for a ${provider} token was aborted by the caller's signal`,
      { provider },
    );
  }

  /** One shared promise per refresh: every concurrent caller awaits the same one, resolved in one turn. */
  function acquire(force: boolean, background: boolean): Promise<TokenSet<Raw>> {
    const left = failureUntil - clock();
    if (failure && left > 0) {
      emit("credentials_failure_remembered", { retryInMs: left });
      return Promise.reject(failure);
    }
    return (inflight ??= refresh(force, background)
      .then((entry) => entry.promise)
      .finally(() => (inflight = undefined)));
  }

  async function refresh(force: boolean, background: boolean): Promise<Entry<Raw>> {
    const previous = current?.stored ?? retired;
    /** A token another caller or instance stored that is newer than ours and not yet due. */
    const adopt = async () => {
      const stored = await store.get(key).catch(() => undefined);
      const entry =
        stored && stored.accessToken !== previous?.accessToken ? toEntry(stored) : undefined;
      return entry && clock() < entry.refreshAt ? (current = entry) : undefined;
    };
    let shared = force ? undefined : await adopt();
    if (shared) return shared;
    // undefined: another instance holds the lock; null: the lock failed, which only costs coordination.
    const release: ReleaseLock | undefined | null = await store
      .lock?.(key, retry.maxElapsedMs)
      .catch(() => null);
    if (store.lock && release === undefined) {
      // Another instance is refreshing: wait for its token, then fall back to our own request.
      for (const deadline = clock() + retry.maxElapsedMs; clock() < deadline;) {
        await sleep(100, !background);
        if ((shared = await adopt())) return shared;
      }
    }
    try {
      const stored = await obtain(previous, background);
      const entry = toEntry(stored);
      if (previous && stored.expiresAt <= previous.expiresAt) {
        const lifetime = stored.expiresAt - stored.obtainedAt;
        entry.notBefore =
          clock() + Math.max(timing.noProgressMinMs, timing.noProgressRatio * lifetime);
      }
      current = entry;
      retired = undefined;
      backgroundFailures = backgroundUntil = 0;
      // A failing shared store only costs sharing: the token is served from memory.
      await store.set(key, stored, Math.max(0, stored.expiresAt - clock())).catch(() => undefined);
      return entry;
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  async function obtain(
    previous: StoredToken | undefined,
    background: boolean,
  ): Promise<StoredToken> {
    const refreshToken = previous?.refreshToken;
    if (refreshToken && exchange.refreshGrant) {
      try {
        const renewed = await request({ refreshToken }, background);
        // Keep the old refresh token when the response omits one; take the new one when rotated.
        return { ...renewed, refreshToken: renewed.refreshToken ?? refreshToken };
      } catch (error) {
        if ((error as AuthError).code !== AuthErrorCode.InvalidCredentials) throw error;
        emit("refresh_grant_rejected", {});
      }
    }
    try {
      return await request({}, background);
    } catch (error) {
      if ((error as AuthError).code === AuthErrorCode.InvalidCredentials) {
        failure = error as AuthError;
        // A provider that locks accounts must never see these credentials again from this manager.
        failureUntil = exchange.lockoutAfter ? Infinity : clock() + timing.credentialFailureTtlMs;
      }
      throw error;
    }
  }

  async function request(grant: Grant, background: boolean): Promise<StoredToken> {
    const started = clock();
    const kind = grant.refreshToken ? "refresh" : "primary";
    for (let attempt = 1; ; attempt++) {
      emit("fetch_started", { grant: kind, attempt, background });
      const attemptStarted = clock();
      const timeout = Math.max(
        1,
        Math.min(retry.attemptTimeoutMs, retry.maxElapsedMs - (attemptStarted - started)),
      );
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeout);
      (timer as { unref?: () => void }).unref?.();
      try {
        const response = await send(
          buildTokenRequest(exchange, credentials, baseUrl, grant, scope, controller.signal),
          fetchImpl,
        );
        const stored = await readTokenResponse(
          response,
          exchange,
          attemptStarted,
          clock,
          timing.defaultTtlMs,
        );
        emit("fetch_succeeded", {
          grant: kind,
          attempt,
          background,
          expiresAt: stored.expiresAt,
          durationMs: clock() - attemptStarted,
        });
        return stored;
      } catch (caught) {
        const error = AuthError.isInstance(caught)
          ? caught
          : controller.signal.aborted
            ? new AuthError(
                AuthErrorCode.Timeout,
                `${provider} token endpoint did not answer within ${timeout} ms. Check connectivity or raise retry.attemptTimeoutMs`,
                { provider, cause: caught },
              )
            : new AuthError(
                AuthErrorCode.Network,
                `could not reach ${provider} token endpoint (${networkReason(caught)}). Check baseUrl and connectivity`,
                { provider, cause: caught },
              );
        const status = error.status;
        const transient = status
          ? status === 408 || status === 429 || status > 499
          : error.code === AuthErrorCode.Network || error.code === AuthErrorCode.Timeout;
        // Exponential backoff with full jitter, unless the provider said how long to wait.
        const delay =
          error.retryAfterMs ??
          random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
        const retrying =
          transient &&
          attempt < retry.maxAttempts &&
          clock() - started + delay < retry.maxElapsedMs;
        emit("fetch_failed", {
          grant: kind,
          attempt,
          background,
          code: error.code,
          status,
          retryInMs: retrying ? delay : undefined,
        });
        if (!retrying) {
          error.attempts = attempt;
          throw error;
        }
        await sleep(delay, !background);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  const manager: TokenManager<Raw> = {
    getToken,
    getAuthorizationHeader: (getOptions) =>
      getToken(getOptions).then((token) => `${token.tokenType} ${token.accessToken}`),
    async invalidate(accessToken) {
      if (current && (accessToken === undefined || current.stored.accessToken === accessToken)) {
        retired = current.stored;
        current = undefined;
      }
      // The local copy is gone; a shared store that cannot delete is overwritten on refresh.
      await store.delete(key, accessToken).catch(() => undefined);
    },
    middleware: () => createAuthMiddleware(manager),
    on(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    cacheKey: key,
  };
  return manager;
}

function checkCredentials(
  exchange: TokenExchange,
  given: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  const known = exchange.credentials.map((c) => c.name);
  for (const name in given) {
    if (!known.includes(name) && given[name] !== undefined)
      throw optionsError(
        `unknown credential "${name}" for ${exchange.provider}; expected ${known.join(", ")}`,
      );
  }
  for (const { name, required } of exchange.credentials) {
    const value = given[name];
    if (typeof value === "string" && /[\r\n\0]/.test(value))
      throw optionsError(
        `${name} contains a line break or NUL; check the value (a trailing newline from a file?)`,
      );
    if (typeof value === "string" && value) result[name] = value;
    else if (value !== undefined && value !== "") throw optionsError(`${name} must be a string`);
    else if (required)
      throw optionsError(
        `${name} is required for ${exchange.provider}; pass it to createAuth({ ${name}: … })`,
      );
  }
  return result;
}

export function optionsError(message: string): AuthError {
  return new AuthError(AuthErrorCode.InvalidOptions, message);
}

function networkReason(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return typeof code === "string" ? code : (error as Error).name;
}
