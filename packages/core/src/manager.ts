import { createCooldownGate } from "./cooldown.js";
import { AuthError, AuthErrorCode } from "./errors.js";
import { EVENT_SLOT, type EventSlot, emitter } from "./events.js";
import type { TokenExchange, TokenPresentation } from "./exchange.js";
import { booleanOption, optionsError, ownOptions, resolvePolicies } from "./options.js";
import { sha256Hex } from "./digest.js";
import { basicValue, checkCredentials, isSecret } from "./credentials.js";
import { createRedactor } from "./redact.js";
import { closedError, createRequestRunner } from "./request-runner.js";
import { type RetryPolicy, defaultSleep } from "./retry.js";
import type { TokenStore } from "./store.js";
import { LOCAL_STORE, supportOf } from "./store-local.js";
import { schedule, type TimingPolicy } from "./timing.js";
import {
  presentToken,
  type StoredToken,
  tokenHeaderName,
  type TokenSet,
  toTokenSet,
} from "./token.js";
import { defaultSender, type Grant, type TokenRequestSender } from "./token-request.js";
import { requireSecureUrl } from "./url.js";

declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

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
  /** Bound on each TokenStore call, in ms (default 1,000). A store past it is carried on without. */
  readonly storeTimeoutMs?: number;
  /** Largest token response body read, in bytes (default 1 MiB); a larger one is cancelled. */
  readonly maxResponseBytes?: number;
  /** Allow plain http to non-loopback hosts. Only for trusted networks. */
  readonly allowInsecureHttp?: boolean;
  readonly timing?: Partial<TimingPolicy>;
  readonly retry?: Partial<RetryPolicy>;
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
  /**
   * Hands a background refresh started by this call to the platform, so it outlives the request
   * that triggered it: on Cloudflare Workers pass `(promise) => ctx.waitUntil(promise)`.
   */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
  /**
   * `false`: start no background work from this call. Inside the refresh window the cached token is
   * served as it is, and the token is renewed inline by the first caller that needs it past the
   * window, which waits for it. For runtimes that cancel work outliving a request and offer no
   * `waitUntil`.
   */
  readonly background?: false;
}

/**
 * Hands out tokens without making callers think about expiry.
 *
 * @example
 * await using auth = createTokenManager({ exchange, credentials: { clientId, clientSecret }, baseUrl });
 * const { accessToken } = await auth.getToken();
 */
export interface TokenManager<Raw = Record<string, unknown>> {
  /** A valid token: cached, renewed in the background ahead of expiry, one request for all concurrent callers. */
  getToken(options?: GetTokenOptions): Promise<TokenSet<Raw>>;
  /**
   * The value of the header API calls carry, for example `"Bearer abc"`: `<token type> <token>`, or
   * the scheme the spec's `presentation` fixes (a bare token when it is empty). The header's name
   * is `tokenHeader`.
   */
  getAuthorizationHeader(options?: GetTokenOptions): Promise<string>;
  /** Lower-cased name of the header API calls carry the token in (`authorization` unless the spec says otherwise). */
  readonly tokenHeader: string;
  /** Drops the cached token, but only if it is still `accessToken` (when given). */
  invalidate(accessToken?: string): Promise<void>;
  /**
   * Forgets a remembered credentials failure (here and in a shared store), so the next call tries
   * again. Call it after fixing the account at the provider (for example after an unlock). For a
   * provider that locks accounts the failure is otherwise remembered for the manager's life.
   */
  clearCredentialsFailure(): Promise<void>;
  /**
   * How API calls carry the token: `header` and `scheme` from the spec's `presentation` (empty:
   * `Authorization: <token type> <token>`). `authMiddleware(auth)` reads it.
   */
  readonly presentation: TokenPresentation;
  /**
   * Ends the manager: aborts a request in flight and every wait, drops cached tokens; later calls
   * reject with `closed`. Resolves once nothing of the manager's is running.
   */
  close(): Promise<void>;
  /** `await using auth = createAuth(…)` closes the manager at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * Names what the manager caches: token URL, grant, scope and a digest of the non-secret
   * credentials (never a credential in the clear). Shared stores key entries by an HMAC of it under
   * the secret credentials, so managers with other secrets never share an entry.
   */
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

const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);
const noop = () => undefined;

/**
 * Creates a token manager for one provider and one set of credentials. It composes small parts:
 * a request runner (one bounded attempt), a cooldown gate (what is remembered between requests),
 * a store gateway (bounded, validated store calls) and a redactor (no secret in any error).
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
  given: TokenManagerOptions,
): TokenManager<Raw> {
  // Own properties only: a polluted Object.prototype (allowInsecureHttp, fetch, …) is never read.
  const options = ownOptions(given);
  const { exchange, scope } = options;
  const provider = exchange.provider;
  const credentials = checkCredentials(exchange, options.credentials);
  const baseUrl = requireSecureUrl(
    options.baseUrl,
    "baseUrl",
    booleanOption("allowInsecureHttp", options.allowInsecureHttp),
  ).href;
  const policies = resolvePolicies(options);
  const { timing, retry } = policies;
  const clock = options.clock ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? defaultSleep;
  // The non-secret credentials (a client id, a user name that is often a phone number) only as a
  // digest: the key is printed by JSON.stringify(auth) and handed to stores.
  const identity = exchange.credentials
    .filter((c) => !isSecret(c) && credentials[c.name])
    .map((c) => `${c.name}=${encodeURIComponent(credentials[c.name]!)}`);
  const key = `${baseUrl.replace(/\/+$/, "")}${exchange.tokenPath}|${exchange.grant ?? "none"}|${scope ?? ""}|${sha256Hex(identity.join("&")).slice(0, 32)}`;
  // Removed in a 0.x minor: a listener passed here would silently hear nothing.
  if ((options as { onEvent?: unknown }).onEvent !== undefined)
    throw optionsError("onEvent was removed: use onTokenEvent(auth, listener)");
  const events: EventSlot = {};
  const emit = emitter(provider, events);
  const lifecycle = new AbortController();
  const closedSignal = lifecycle.signal;

  let current: Entry<Raw> | undefined;
  /** The last token dropped by invalidate(): its refresh token may still be good. */
  let retired: StoredToken | undefined;
  let inflight: Promise<TokenSet<Raw>> | undefined;
  let inflightStartedAt = 0;
  /**
   * The longest a live refresh can take: lock waits and attempts, each within the retry budget,
   * plus about ten bounded store calls, each up to three bounds when the process stalls (see
   * `startDeadline`). A shared request older than this can only be one whose I/O or timers a
   * runtime cancelled (workerd ends them with the request that started them).
   */
  const maxRefreshMs =
    2 * (retry.maxElapsedMs + retry.attemptTimeoutMs) +
    (options.store === undefined ? 0 : 30 * policies.storeTimeoutMs);
  /** Mirrors `closedSignal.aborted` as a plain field: the warm path reads it on every call. */
  let closed = false;

  const redact = createRedactor(function* () {
    for (const c of exchange.credentials) if (isSecret(c)) yield credentials[c.name];
    yield basicValue(exchange, credentials);
    for (const token of [current?.stored, retired]) {
      yield token?.accessToken;
      yield token?.refreshToken;
    }
  });
  const gate = createCooldownGate(
    {
      baseDelayMs: retry.baseDelayMs,
      maxDelayMs: retry.maxDelayMs,
      // A provider that locks accounts must never see these credentials again from this manager.
      credentialFailureTtlMs: exchange.lockoutAfter ? Infinity : timing.credentialFailureTtlMs,
    },
    random,
  );
  const secretMaterial = JSON.stringify(
    exchange.credentials.filter(isSecret).map((c) => credentials[c.name] ?? ""),
  );
  const runAttempt = createRequestRunner({
    exchange,
    credentials,
    baseUrl,
    scope,
    send: options.send ?? defaultSender,
    fetch: options.fetch ?? globalThis.fetch,
    clock,
    maxResponseBytes: policies.maxResponseBytes,
    defaultTtlMs: timing.defaultTtlMs,
    maxLifetimeMs: timing.maxLifetimeMs,
    maxClockSkewMs: timing.maxClockSkewMs,
    maxRetryAfterMs: retry.maxRetryAfterMs,
    closed: closedSignal,
    redact: redact.text,
  });

  // No store: the manager's memory is the only copy, and no store code is loaded at all.
  const store =
    options.store === undefined
      ? LOCAL_STORE
      : supportOf(options.store)(options.store, {
          cacheKey: key,
          secretMaterial,
          provider,
          clock,
          timeoutMs: policies.storeTimeoutMs,
          maxLifetimeMs: timing.maxLifetimeMs,
          gate,
          credentialFailureTtlMs: exchange.lockoutAfter ? null : timing.credentialFailureTtlMs,
          onFailure: (operation, reason) => emit("store_failed", { operation, reason }),
          onRejected: (reason) => emit("store_value_rejected", { reason }),
          onUnusable: (failures) => emit("store_unusable", { failures }),
          onBlocked: (blocked) => {
            if (blocked.credentials)
              emit("credentials_failure_remembered", { retryInMs: blocked.retryInMs });
            return redact.error(blocked.error);
          },
        });

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

  /** A wait that ends early, with `closed`, when the manager is closed. */
  function pause(ms: number, keepAlive: boolean): Promise<void> {
    if (closedSignal.aborted) return Promise.reject(closedError(provider));
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(closedError(provider));
      closedSignal.addEventListener("abort", onClose, { once: true });
      sleep(ms, keepAlive)
        .then(resolve, reject)
        .finally(() => closedSignal.removeEventListener("abort", onClose));
    });
  }

  function getToken(getOptions: GetTokenOptions = {}): Promise<TokenSet<Raw>> {
    const { signal, forceRefresh } = getOptions;
    if (closed) return Promise.reject(closedError(provider));
    // Exact, like every boolean option: `forceRefresh: "false"` must not force a request.
    if (
      (forceRefresh !== undefined && typeof forceRefresh !== "boolean") ||
      (getOptions.background !== undefined && getOptions.background !== false)
    )
      return Promise.reject(
        optionsError("getToken: forceRefresh must be a boolean and background, if given, false"),
      );
    if (signal?.aborted) return Promise.reject(aborted());
    const entry = current;
    if (entry && !forceRefresh) {
      const now = clock();
      if (now < entry.refreshAt) return entry.promise;
      const blocked = gate.blocked(now);
      // Inside the refresh window, or past it while no request may go out: the token still works.
      if (
        now < entry.stored.expiresAt &&
        (now < entry.usableUntil || now < entry.notBefore || blocked)
      ) {
        if (!inflight && !blocked && now >= entry.notBefore && getOptions.background !== false)
          refreshInBackground(getOptions.waitUntil);
        if (events.dispatch) emit("served_stale", { expiresAt: entry.stored.expiresAt });
        return entry.promise;
      }
    }
    const fresh = recoverLost(acquire(!!forceRefresh, false), !!forceRefresh);
    // A refresh that failed does not take away a token that still works (unless the caller asked
    // for a new one, or dropped this one with invalidate()).
    const shared =
      entry && !forceRefresh
        ? fresh.catch((error: AuthError) =>
            current === entry &&
            clock() < entry.stored.expiresAt &&
            error.code !== AuthErrorCode.Closed
              ? entry.promise
              : Promise.reject(error),
          )
        : fresh;
    if (!signal) return shared;
    // This caller may stop waiting; the shared request goes on for the others.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(aborted());
      signal.addEventListener("abort", onAbort, { once: true });
      shared.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  function refreshInBackground(waitUntil: GetTokenOptions["waitUntil"]): void {
    const work = acquire(false, true).then(
      (fresh) => emit("refreshed_in_background", { expiresAt: fresh.expiresAt }),
      (error: AuthError) => {
        if (error.code === AuthErrorCode.Closed) return;
        const wait = gate.blocked(clock())?.retryInMs ?? 0;
        emit("background_refresh_failed", { code: error.code, nextAttemptInMs: wait });
      },
    );
    waitUntil?.(work);
  }

  function aborted(): AuthError {
    return new AuthError(
      AuthErrorCode.Aborted,
      `waiting for a ${provider} token was aborted by the caller's signal`,
      { provider },
    );
  }

  /**
   * A shared request can be lost without an AuthError: an edge runtime (workerd) cancels the I/O of
   * a request that has ended, and a promise from that request then rejects with the platform's own
   * error in every other request. Whoever sees that drops the lost request and sends its own, once.
   */
  function recoverLost(shared: Promise<TokenSet<Raw>>, force: boolean): Promise<TokenSet<Raw>> {
    return shared.catch((error: unknown) => {
      if (AuthError.isInstance(error) || closed) throw error;
      if (inflight === shared) inflight = undefined;
      return acquire(force, false);
    });
  }

  /** One shared promise per refresh; callers arriving while the gate is closed get its error at once. */
  function acquire(force: boolean, background: boolean): Promise<TokenSet<Raw>> {
    if (inflight) {
      const ageMs = clock() - inflightStartedAt;
      if (ageMs <= maxRefreshMs) return inflight;
      // It can never settle: drop it, so it holds only the callers already waiting on it.
      emit("stuck_request_dropped", { ageMs });
      inflight = undefined;
    }
    const blocked = gate.blocked(clock());
    if (blocked) {
      if (blocked.credentials)
        emit("credentials_failure_remembered", { retryInMs: blocked.retryInMs });
      return Promise.reject(redact.error(blocked.error));
    }
    const started: Promise<TokenSet<Raw>> = refresh(force, background)
      .then((entry) => entry.promise)
      .finally(() => {
        if (inflight === started) inflight = undefined;
      });
    inflightStartedAt = clock();
    return (inflight = started);
  }

  async function refresh(force: boolean, background: boolean): Promise<Entry<Raw>> {
    const previous = current?.stored ?? retired;
    /** A token another caller or instance stored that is newer than ours and not yet due. */
    const adopt = async () => {
      const stored = await store.get();
      const entry =
        stored && stored.accessToken !== previous?.accessToken ? toEntry(stored) : undefined;
      return entry && clock() < entry.refreshAt ? (current = entry) : undefined;
    };
    await store.respect();
    let adopted = force ? undefined : await adopt();
    if (adopted) return adopted;
    // The lock outlives our longest attempt, so no other instance starts while ours is running.
    const lockTtl = retry.maxElapsedMs + retry.attemptTimeoutMs;
    let release = await store.lock(lockTtl);
    if (store.locks && release === undefined) {
      // Another instance is refreshing: wait for its token with a growing, jittered backoff (no
      // polling storm), retrying the lock so a holder that died is replaced once its lock expires.
      for (let wait = 50, deadline = clock() + retry.maxElapsedMs; clock() < deadline;) {
        await pause(wait * (0.5 + random() / 2), !background);
        wait = Math.min(1_000, wait * 2);
        if ((adopted = await adopt())) return adopted;
        await store.respect();
        if ((release = await store.lock(lockTtl)) !== undefined) break;
      }
    }
    try {
      if (release) {
        // We hold the lock now: the previous holder may have just stored a token or a failure.
        await store.respect();
        if (!force && (adopted = await adopt())) return adopted;
      }
      const stored = await obtain(previous, background);
      const entry = toEntry(stored);
      if (previous && stored.expiresAt <= previous.expiresAt) {
        const lifetime = stored.expiresAt - stored.obtainedAt;
        entry.notBefore =
          clock() + Math.max(timing.noProgressMinMs, timing.noProgressRatio * lifetime);
      }
      current = entry;
      retired = undefined;
      // A failing shared store only costs sharing: the token is served from memory.
      await store.set(stored, Math.max(0, stored.expiresAt - clock()));
      return entry;
    } finally {
      await release?.();
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
    return request({}, background);
  }

  async function request(grant: Grant, background: boolean): Promise<StoredToken> {
    const started = clock();
    const kind = grant.refreshToken ? "refresh" : "primary";
    // While the provider is failing, a request is one probe on the shared schedule, not a new
    // round of retries.
    const maxAttempts = gate.failures > 0 ? 1 : retry.maxAttempts;
    for (let attempt = 1; ; attempt++) {
      emit("fetch_started", { grant: kind, attempt, background });
      const attemptStarted = clock();
      const timeout = Math.max(
        1,
        Math.min(retry.attemptTimeoutMs, retry.maxElapsedMs - (attemptStarted - started)),
      );
      let stored: StoredToken;
      try {
        stored = await runAttempt(grant, timeout);
      } catch (caught) {
        const error = redact.error(caught as AuthError);
        if (error.code === AuthErrorCode.Closed) throw error;
        // A rejected refresh token is not a failed login: the primary grant is tried next.
        const rejectedRefresh =
          kind === "refresh" && error.code === AuthErrorCode.InvalidCredentials;
        const delay = rejectedRefresh ? Infinity : gate.failed(error, clock());
        // Before the lock is released, so the next holder sees it.
        if (!rejectedRefresh) await store.record(error, delay);
        const retrying = attempt < maxAttempts && clock() - started + delay < retry.maxElapsedMs;
        emit("fetch_failed", {
          grant: kind,
          attempt,
          background,
          code: error.code,
          status: error.status,
          retryInMs: retrying ? delay : undefined,
        });
        if (!retrying) {
          error.attempts = attempt;
          throw error;
        }
        await pause(delay, !background);
        continue;
      }
      gate.succeeded();
      emit("fetch_succeeded", {
        grant: kind,
        attempt,
        background,
        expiresAt: stored.expiresAt,
        durationMs: clock() - attemptStarted,
      });
      return stored;
    }
  }

  const manager: TokenManager<Raw> & { [EVENT_SLOT]: EventSlot } = {
    getToken,
    tokenHeader: tokenHeaderName(exchange.presentation),
    getAuthorizationHeader: (getOptions) =>
      getToken(getOptions).then((token) => presentToken(exchange.presentation, token)),
    async invalidate(accessToken) {
      if (current && (accessToken === undefined || current.stored.accessToken === accessToken)) {
        retired = current.stored;
        current = undefined;
      }
      // The local copy is gone; a shared store that cannot delete is overwritten on refresh.
      await store.delete(accessToken);
    },
    async clearCredentialsFailure() {
      gate.clearCredentialsFailure();
      await store.clearCooldown();
    },
    presentation: exchange.presentation ?? {},
    [EVENT_SLOT]: events,
    async close() {
      closed = true;
      lifecycle.abort();
      current = undefined;
      retired = undefined;
      await inflight?.catch(noop);
    },
    [asyncDispose]: () => manager.close(),
    cacheKey: key,
  };
  return manager;
}
