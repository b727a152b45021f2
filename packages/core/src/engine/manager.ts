import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { TokenExchange, TokenPresentation } from "../contract/exchange.js";
import type { TokenStore } from "../contract/store.js";
import { presentToken, type StoredToken, type TokenSet, toTokenSet } from "../contract/token.js";
import { eventsObserved, publishEvent } from "../events/diagnostics.js";
import { EVENT_SLOT, type EventData, type EventSlot, type TokenEvent } from "../events/events.js";
import type { TokenRequestSender } from "../http/request.js";
import { closedError } from "../http/runner.js";
import { createCooldownGate, type CooldownGate } from "../policy/cooldown.js";
import { LOCK_WAIT_FIRST_MS, LOCK_WAIT_MAX_MS } from "../policy/defaults.js";
import { checkObject, optionsError, own } from "../policy/options.js";
import type { RetryPolicy } from "../policy/retry.js";
import { schedule, type TimingPolicy } from "../policy/timing.js";
import {
  basicValue,
  checkCredentials,
  type CredentialValues,
  isSecret,
} from "../secrets/credentials.js";
import { sha256Hex } from "../secrets/digest.js";
import { createRedactor, type Redactor } from "../secrets/redact.js";
import { LOCAL_STORE, type StoreSupport, supportOf } from "../store/support.js";
import { type AttemptContext, obtainToken } from "./attempts.js";
import { type CachedInstants, isFresh, mustRefresh, shouldRefresh } from "./decide.js";
import { type Engine, engineFor, maxRefreshMs } from "./engine.js";

declare global {
  interface SymbolConstructor {
    readonly asyncDispose: unique symbol;
  }
}

/** Options of `createTokenManager` (generated `createAuth` functions take the same, minus `exchange`). */
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

/** Options of one `getToken()` or `getAuthorizationHeader()` call. */
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
 * Hands out tokens without making callers think about expiry. Call its methods on it
 * (`auth.getToken()`); to pass one along, wrap it: `() => auth.getToken()`.
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

/** The cached token with the instants `decide.ts` reads. */
interface Entry<Raw> extends CachedInstants {
  readonly token: TokenSet<Raw>;
  readonly promise: Promise<TokenSet<Raw>>;
  /** `getAuthorizationHeader()`'s answer for this token, built at its first call. */
  header: Promise<string> | undefined;
  /** Set after a refresh that did not move expiry forward. */
  notBefore: number;
}

/** What a renewal needs of a token it replaces: its refresh token and when it expires. */
type RetiredToken = Pick<TokenSet<unknown>, "accessToken" | "refreshToken" | "expiresAt">;

/** One refresh in flight: the promise every caller shares, and when it started. */
interface Flight<Raw> {
  readonly promise: Promise<TokenSet<Raw>>;
  readonly startedAt: number;
  /** The wrapper cold callers share (see #join), made when the first one arrives. */
  joined?: Promise<TokenSet<Raw>>;
}

const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? (Symbol.for("Symbol.asyncDispose") as typeof Symbol.asyncDispose);
const noop = () => undefined;

/**
 * Creates a token manager for one provider and one set of credentials.
 *
 * A manager is one small record per tenant: its credentials, its cached token and what is
 * happening now. Everything that does not depend on the credentials (the exchange, the base URL,
 * the policies, injected clock and fetch) is an `Engine` shared by every manager created with the
 * same options, and the behaviour lives once, on the class. Controllers, the cooldown gate and
 * event slots are made when first needed.
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
  checkObject(given);
  // Own properties only: a polluted Object.prototype (allowInsecureHttp, fetch, …) is never read.
  // Each option by its name: this runs for every tenant, 100,000 times on a platform.
  const exchange = own(given, "exchange", given.exchange)!;
  const scope = own(given, "scope", given.scope);
  const store = own(given, "store", given.store);
  // Removed in a 0.x minor: a listener passed here would silently hear nothing.
  if (own(given, "onEvent", (given as { onEvent?: unknown }).onEvent) !== undefined)
    throw optionsError("onEvent was removed: use onTokenEvent(auth, listener)");
  const values = checkCredentials(exchange, own(given, "credentials", given.credentials)!);
  const engine = engineFor(exchange, {
    baseUrl: own(given, "baseUrl", given.baseUrl)!,
    allowInsecureHttp: own(given, "allowInsecureHttp", given.allowInsecureHttp),
    fetch: own(given, "fetch", given.fetch),
    send: own(given, "send", given.send),
    timing: own(given, "timing", given.timing),
    retry: own(given, "retry", given.retry),
    storeTimeoutMs: own(given, "storeTimeoutMs", given.storeTimeoutMs),
    maxResponseBytes: own(given, "maxResponseBytes", given.maxResponseBytes),
    clock: own(given, "clock", given.clock),
    random: own(given, "random", given.random),
    sleep: own(given, "sleep", given.sleep),
  });
  return new Manager<Raw>(engine, values, scope, store);
}

/**
 * One tenant: its credentials and state, with the engine it shares. Private fields: nothing of it
 * is printed, spread or serialised (`JSON.stringify(auth)` is `{}`).
 */
class Manager<Raw> implements TokenManager<Raw> {
  readonly #engine: Engine;
  readonly #credentials: CredentialValues;
  readonly #scope: string | undefined;
  readonly #store: StoreSupport;
  #cacheKey: string | undefined;
  #current: Entry<Raw> | undefined;
  /**
   * The last token dropped by invalidate(), or a newer one another process stored: its refresh
   * token may still be good (and is redacted like our own).
   */
  #retired: RetiredToken | undefined;
  /** The refresh in flight, shared by every caller (made per refresh, not per tenant). */
  #flight: Flight<Raw> | undefined;
  /** Made at the first failure (or with a shared store, which reads and writes it). */
  #gate: CooldownGate | undefined;
  /** Made when someone subscribes with onTokenEvent. */
  #events: EventSlot | undefined;
  /** Made while a refresh runs, so close() can end it; dropped when it settles. */
  #lifecycle: AbortController | undefined;
  /** Refreshes started and not settled (a dropped stuck one included). */
  #running = 0;
  #closed = false;

  constructor(
    engine: Engine,
    credentials: CredentialValues,
    scope: string | undefined,
    store: TokenStore | undefined,
  ) {
    this.#engine = engine;
    this.#credentials = credentials;
    this.#scope = scope;
    // No store: the manager's memory is the only copy, and no store code is loaded at all.
    this.#store = store === undefined ? LOCAL_STORE : this.#bindStore(store);
  }

  get tokenHeader(): string {
    return this.#engine.tokenHeader;
  }

  get presentation(): TokenPresentation {
    return this.#engine.presentation;
  }

  get cacheKey(): string {
    return (this.#cacheKey ??= cacheKeyOf(this.#engine, this.#credentials, this.#scope));
  }

  /** Where onTokenEvent finds the manager's listeners. */
  get [EVENT_SLOT](): EventSlot {
    return (this.#events ??= {});
  }

  getToken(getOptions: GetTokenOptions = {}): Promise<TokenSet<Raw>> {
    const { signal, forceRefresh } = getOptions;
    if (this.#closed) return Promise.reject(closedError(this.#engine.provider));
    // Exact, like every boolean option: `forceRefresh: "false"` must not force a request.
    if (
      (forceRefresh !== undefined && typeof forceRefresh !== "boolean") ||
      (getOptions.background !== undefined && getOptions.background !== false)
    )
      return Promise.reject(
        optionsError("getToken: forceRefresh must be a boolean and background, if given, false"),
      );
    if (signal?.aborted) return Promise.reject(this.#aborted());
    const entry = this.#current;
    if (entry && !forceRefresh) {
      const now = this.#engine.clock();
      if (isFresh(now, entry)) return entry.promise;
      const blocked = this.#gate?.blocked(now) !== undefined;
      if (!mustRefresh(now, entry, blocked)) {
        const background = getOptions.background !== false;
        if (shouldRefresh(now, entry, this.#flight !== undefined, blocked, background))
          this.#refreshInBackground(getOptions.waitUntil);
        this.#emit("served_stale", { expiresAt: entry.expiresAt });
        return entry.promise;
      }
    }
    const fresh = this.#join(!!forceRefresh);
    // A refresh that failed does not take away a token that still works (unless the caller asked
    // for a new one, dropped this one with invalidate(), or closed the manager).
    const shared =
      entry && !forceRefresh
        ? fresh.catch((error: AuthError) =>
            error.code !== AuthErrorCode.Closed &&
            this.#current === entry &&
            this.#engine.clock() < entry.expiresAt
              ? entry.promise
              : Promise.reject(error),
          )
        : fresh;
    if (!signal) return shared;
    // This caller may stop waiting; the shared request goes on for the others.
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(this.#aborted());
      signal.addEventListener("abort", onAbort, { once: true });
      shared.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }

  getAuthorizationHeader(getOptions?: GetTokenOptions): Promise<string> {
    const entry = this.#current;
    // The warm path, taken most often: what getToken() would serve (a fresh cached token, nothing
    // asked of this call), with the header built for it once, without a getToken() round.
    if (entry?.header && !getOptions && !this.#closed && isFresh(this.#engine.clock(), entry))
      return entry.header;
    const token = this.getToken(getOptions);
    const header = token.then((set) => presentToken(this.#engine.presentation, set));
    // Served from the cache (the very promise of the cached entry): its header, kept for the above.
    if (entry !== undefined && token === entry.promise) entry.header = header;
    return header;
  }

  async invalidate(accessToken?: string): Promise<void> {
    const current = this.#current;
    if (current && (accessToken === undefined || current.token.accessToken === accessToken)) {
      this.#retired = current.token;
      this.#current = undefined;
    }
    // The local copy is gone; a shared store that cannot delete is overwritten on refresh.
    await this.#store.delete(accessToken);
  }

  async clearCredentialsFailure(): Promise<void> {
    this.#gate?.clearCredentialsFailure();
    await this.#store.clearCooldown();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#lifecycle?.abort();
    this.#current = undefined;
    this.#retired = undefined;
    await this.#flight?.promise.catch(noop);
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- getting a new token: #acquire (share one request) → #renew (store, lock) → obtainToken

  /** One shared promise per refresh; callers arriving while the gate is closed get its error at once. */
  #acquire(force: boolean, background: boolean): Promise<TokenSet<Raw>> {
    const { clock } = this.#engine;
    const flight = this.#flight;
    if (flight) {
      const ageMs = clock() - flight.startedAt;
      if (ageMs <= maxRefreshMs(this.#engine, this.#store !== LOCAL_STORE)) return flight.promise;
      // It can never settle: drop it, so it holds only the callers already waiting on it.
      this.#emit("stuck_request_dropped", { ageMs });
      this.#flight = undefined;
    }
    const blocked = this.#gate?.blocked(clock());
    if (blocked) {
      if (blocked.credentials)
        this.#emit("credentials_failure_remembered", { retryInMs: blocked.retryInMs });
      return Promise.reject(this.#redactor().error(blocked.error));
    }
    const lifecycle = (this.#lifecycle ??= new AbortController());
    this.#running++;
    const started: Promise<TokenSet<Raw>> = this.#renew(force, background, lifecycle.signal)
      .then((entry) => entry.promise)
      .finally(() => {
        if (this.#flight?.promise === started) this.#flight = undefined;
        // Idle again: nothing is left for close() to abort.
        if (--this.#running === 0) this.#lifecycle = undefined;
      });
    this.#flight = { promise: started, startedAt: clock() };
    return started;
  }

  /**
   * A caller's way into the shared refresh, recovering a lost one (see #recoverLost). Where a
   * refresh's I/O outlives its request, every caller of one refresh gets the same wrapper: a burst
   * of 10,000 cold callers costs one, not 10,000. Elsewhere, and for `forceRefresh`, each caller
   * gets its own.
   */
  #join(force: boolean): Promise<TokenSet<Raw>> {
    const promise = this.#acquire(force, false);
    const flight = this.#flight;
    return !force && this.#engine.sharedRecovery && flight?.promise === promise
      ? (flight.joined ??= this.#recoverLost(promise, false))
      : this.#recoverLost(promise, force);
  }

  /**
   * A shared request can be lost without an AuthError: an edge runtime (workerd) cancels the I/O of
   * a request that has ended, and a promise from that request then rejects with the platform's own
   * error in every other request. Whoever sees that drops the lost request and sends its own, once.
   */
  #recoverLost(shared: Promise<TokenSet<Raw>>, force: boolean): Promise<TokenSet<Raw>> {
    return shared.catch((error: unknown) => {
      if (AuthError.isInstance(error) || this.#closed) throw error;
      if (this.#flight?.promise === shared) this.#flight = undefined;
      return this.#acquire(force, false);
    });
  }

  #refreshInBackground(waitUntil: GetTokenOptions["waitUntil"]): void {
    const work = this.#acquire(false, true).then(
      (fresh) => this.#emit("refreshed_in_background", { expiresAt: fresh.expiresAt }),
      (error: AuthError) => {
        if (error.code === AuthErrorCode.Closed) return;
        const wait = this.#gate?.blocked(this.#engine.clock())?.retryInMs ?? 0;
        this.#emit("background_refresh_failed", { code: error.code, nextAttemptInMs: wait });
      },
    );
    waitUntil?.(work);
  }

  /**
   * A new token: one another instance stored (when newer than ours and not yet due), or one
   * requested while holding the store's lock, so a fleet sends one request.
   */
  async #renew(force: boolean, background: boolean, closed: AbortSignal): Promise<Entry<Raw>> {
    const { clock, random, retry } = this.#engine;
    const store = this.#store;
    let previous: RetiredToken | undefined = this.#current?.token ?? this.#retired;
    const adopt = async (serve: boolean) => {
      const stored = await store.get();
      const entry =
        stored && stored.accessToken !== previous?.accessToken ? this.#toEntry(stored) : undefined;
      if (serve && entry && isFresh(clock(), entry)) return (this.#current = entry);
      // Not servable, but another process may have renewed since: where the provider rotates
      // refresh tokens, its one is the one that still works (kept past its access token when the
      // spec states refreshLifetimeSeconds). Kept as retired, so its value is redacted too.
      if (stored?.refreshToken && (!previous || stored.expiresAt > previous.expiresAt))
        previous = this.#retired = stored;
    };
    const pause = (ms: number, keepAlive: boolean) => this.#pause(ms, keepAlive, closed);
    await store.respect();
    let adopted = force ? undefined : await adopt(true);
    if (adopted) return adopted;
    // The lock outlives our longest attempt, so no other instance starts while ours is running.
    const lockTtl = retry.maxElapsedMs + retry.attemptTimeoutMs;
    let release = await store.lock(lockTtl);
    if (store.locks && release === undefined) {
      // Another instance is refreshing: wait for its token with a growing, jittered backoff (no
      // polling storm), retrying the lock so a holder that died is replaced once its lock expires.
      for (
        let wait = LOCK_WAIT_FIRST_MS, deadline = clock() + retry.maxElapsedMs;
        clock() < deadline;
      ) {
        await pause(wait * (0.5 + random() / 2), !background);
        wait = Math.min(LOCK_WAIT_MAX_MS, wait * 2);
        if ((adopted = await adopt(true))) return adopted;
        await store.respect();
        if ((release = await store.lock(lockTtl)) !== undefined) break;
      }
    }
    try {
      if (release) {
        // We hold the lock now: the previous holder may have just stored a token or a failure.
        await store.respect();
        if ((adopted = await adopt(!force))) return adopted;
      }
      const stored = await obtainToken(this.#attemptContext(closed, pause), previous, background);
      const entry = this.#toEntry(stored);
      if (previous && stored.expiresAt <= previous.expiresAt) {
        const lifetime = stored.expiresAt - stored.obtainedAt;
        const { noProgressMinMs, noProgressRatio } = this.#engine.timing;
        entry.notBefore = clock() + Math.max(noProgressMinMs, noProgressRatio * lifetime);
      }
      this.#current = entry;
      this.#retired = undefined;
      // A gate that remembers nothing is dropped (with a shared store, the store's state keeps it).
      if (store === LOCAL_STORE && this.#gate?.idle()) this.#gate = undefined;
      // A failing shared store only costs sharing: the token is served from memory.
      await store.set(stored, Math.max(0, stored.expiresAt - clock()));
      return entry;
    } finally {
      await release?.();
    }
  }

  #attemptContext(
    closed: AbortSignal,
    pause: (ms: number, keepAlive: boolean) => Promise<void>,
  ): AttemptContext {
    const redactor = this.#redactor();
    return {
      engine: this.#engine,
      gate: (make) => (make ? this.#cooldownGate() : this.#gate),
      store: this.#store,
      credentials: this.#credentials,
      scope: this.#scope,
      closed,
      redact: redactor.text,
      redactError: redactor.error,
      emit: (type, data) => this.#emit(type, data),
      pause,
    };
  }

  // ---- parts made when first needed

  #toEntry(stored: StoredToken): Entry<Raw> {
    const { timing, random } = this.#engine;
    const token = toTokenSet<Raw>(stored);
    const { refreshAt, usableUntil } = schedule(
      stored.obtainedAt,
      stored.expiresAt,
      timing,
      random,
    );
    const { expiresAt } = stored;
    return {
      token,
      promise: Promise.resolve(token),
      header: undefined,
      refreshAt,
      usableUntil,
      expiresAt,
      notBefore: 0,
    };
  }

  #cooldownGate(): CooldownGate {
    return (this.#gate ??= createCooldownGate(this.#engine.cooldown, this.#engine.random));
  }

  /** Scrubs this tenant's secrets and tokens (read at each use, so later tokens are covered). */
  #redactor(): Redactor {
    return createRedactor(() => this.#secrets());
  }

  *#secrets(): Generator<string | undefined> {
    const { exchange } = this.#engine;
    const credentials = this.#credentials;
    for (let i = 0; i < exchange.credentials.length; i++)
      if (isSecret(exchange.credentials[i]!)) yield credentials[i];
    yield basicValue(exchange, credentials);
    for (const token of [this.#current?.token, this.#retired]) {
      yield token?.accessToken;
      yield token?.refreshToken;
    }
  }

  /** A wait that ends early, with `closed`, when the manager is closed. */
  #pause(ms: number, keepAlive: boolean, closed: AbortSignal): Promise<void> {
    const provider = this.#engine.provider;
    if (closed.aborted) return Promise.reject(closedError(provider));
    return new Promise<void>((resolve, reject) => {
      const onClose = () => reject(closedError(provider));
      closed.addEventListener("abort", onClose, { once: true });
      this.#engine
        .sleep(ms, keepAlive)
        .then(resolve, reject)
        .finally(() => closed.removeEventListener("abort", onClose));
    });
  }

  #emit<T extends TokenEvent["type"]>(type: T, data: EventData<T>): void {
    const dispatch = this.#events?.dispatch;
    if (!dispatch && !eventsObserved()) return;
    const event = { type, provider: this.#engine.provider, ...data } as TokenEvent;
    dispatch?.(event);
    publishEvent(event);
  }

  #aborted(): AuthError {
    const provider = this.#engine.provider;
    return new AuthError(
      AuthErrorCode.Aborted,
      `waiting for a ${provider} token was aborted by the caller's signal`,
      { provider },
    );
  }

  /** The shared store's support code, bound to this manager (its keys are HMACs under its secrets). */
  #bindStore(store: TokenStore): StoreSupport {
    const engine = this.#engine;
    const { exchange, timing } = engine;
    const gate = this.#cooldownGate();
    return supportOf(store)(store, {
      cacheKey: this.cacheKey,
      refreshLifetimeMs: (exchange.expiry?.refreshLifetimeSeconds ?? 0) * 1000,
      // The secret credentials' values, in order: what the store keys and encryption derive from.
      secretMaterial: JSON.stringify(
        exchange.credentials.flatMap((c, i) => (isSecret(c) ? [this.#credentials[i] ?? ""] : [])),
      ),
      provider: engine.provider,
      clock: engine.clock,
      policies: engine.policies,
      gate,
      credentialFailureTtlMs: exchange.lockoutAfter ? null : timing.credentialFailureTtlMs,
      onFailure: (operation, reason) => this.#emit("store_failed", { operation, reason }),
      onRejected: (reason) => this.#emit("store_value_rejected", { reason }),
      onUnusable: (failures) => this.#emit("store_unusable", { failures }),
      onBlocked: (blocked) => {
        if (blocked.credentials)
          this.#emit("credentials_failure_remembered", { retryInMs: blocked.retryInMs });
        return this.#redactor().error(blocked.error);
      },
    });
  }
}

/**
 * Token URL, grant, scope and a digest of the non-secret credentials (a client id, a user name that
 * is often a phone number): the key is printed by JSON.stringify(auth) and handed to stores.
 */
function cacheKeyOf(
  engine: Engine,
  credentials: CredentialValues,
  scope: string | undefined,
): string {
  const { exchange, baseUrl } = engine;
  const identity: string[] = [];
  exchange.credentials.forEach((c, i) => {
    const value = credentials[i];
    if (!isSecret(c) && value) identity.push(`${c.name}=${encodeURIComponent(value)}`);
  });
  return `${baseUrl.replace(/\/+$/, "")}${exchange.tokenPath}|${exchange.grant ?? "none"}|${scope ?? ""}|${sha256Hex(identity.join("&")).slice(0, 32)}`;
}
