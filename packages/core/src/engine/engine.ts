import type { TokenExchange, TokenPresentation } from "../contract/exchange.js";
import { tokenHeaderName } from "../contract/token.js";
import { defaultSender, type TokenRequestSender } from "../http/request.js";
import type { RunnerSetup } from "../http/runner.js";
import { requireSecureUrl } from "../http/url.js";
import type { CooldownPolicy } from "../policy/cooldown.js";
import { booleanOption, type Policies, resolvePolicies } from "../policy/options.js";
import { defaultSleep, type RetryPolicy } from "../policy/retry.js";
import type { TimingPolicy } from "../policy/timing.js";

/**
 * Everything about token handling that does not depend on whose credentials are used: the
 * provider's exchange, where its token endpoint is, the resolved policies and the injected clock,
 * randomness, wait, fetch and sender. Every tenant (manager) of a provider created with the same
 * options shares one engine, so a tenant holds only its own state.
 */
export interface Engine extends RunnerSetup {
  readonly exchange: TokenExchange;
  readonly provider: string;
  /** Normalised token base URL (https, or http on loopback unless allowed). */
  readonly baseUrl: string;
  readonly policies: Policies;
  readonly timing: TimingPolicy;
  readonly retry: RetryPolicy;
  readonly random: () => number;
  readonly sleep: (ms: number, keepAlive: boolean) => Promise<void>;
  readonly presentation: TokenPresentation;
  /** Lower-cased name of the header API calls carry the token in. */
  readonly tokenHeader: string;
  /** How the cooldown gate treats failures; a provider that locks accounts never forgets one. */
  readonly cooldown: CooldownPolicy;
  /**
   * Whether a request's I/O outlives the request that started it (Node, Bun, Deno): then the
   * callers waiting on one refresh share one recovering wrapper. Where it does not (workerd ends
   * the I/O of a request that has ended), each caller keeps its own, so a lost refresh is
   * replaced from a request that is still alive.
   */
  readonly sharedRecovery: boolean;
}

/** The options an engine is made of: the same values give the same engine. */
/** Every field is present (`undefined` when not set). */
export interface EngineOptions {
  readonly baseUrl: string;
  readonly allowInsecureHttp: boolean | undefined;
  readonly fetch: typeof globalThis.fetch | undefined;
  readonly send: TokenRequestSender | undefined;
  readonly timing: Partial<TimingPolicy> | undefined;
  readonly retry: Partial<RetryPolicy> | undefined;
  readonly storeTimeoutMs: number | undefined;
  readonly maxResponseBytes: number | undefined;
  readonly clock: (() => number) | undefined;
  readonly random: (() => number) | undefined;
  readonly sleep: ((ms: number, keepAlive: boolean) => Promise<void>) | undefined;
}

/**
 * Engines already made, per exchange, newest last: the common case (every tenant created with the
 * same options) costs one comparison of eleven values. Bounded, so options that differ per tenant
 * cannot grow it without limit.
 */
const engines = new WeakMap<TokenExchange, { options: EngineOptions; engine: Engine }[]>();
const MAX_ENGINES_PER_EXCHANGE = 16;

/**
 * The engine for `exchange` with these options: an existing one when every option is the same
 * value (functions and policy objects by identity), else a new one. Validates the options (a bad
 * URL or policy is an `invalid_options` error) when it makes one.
 */
export function engineFor(exchange: TokenExchange, options: EngineOptions): Engine {
  let made = engines.get(exchange);
  if (made === undefined) engines.set(exchange, (made = []));
  for (let i = made.length - 1; i >= 0; i--)
    if (sameOptions(made[i]!.options, options)) return made[i]!.engine;
  const engine = createEngine(exchange, options);
  if (made.length >= MAX_ENGINES_PER_EXCHANGE) made.shift();
  made.push({ options, engine });
  return engine;
}

/**
 * Every option compared by name, not in a loop over the names: a keyed read of eleven names is
 * megamorphic, and this runs for every tenant created. isolation.test.ts changes each option in
 * turn (its list is typed `EngineOptions`, so a new option joins it).
 */
function sameOptions(a: EngineOptions, b: EngineOptions): boolean {
  return (
    a.baseUrl === b.baseUrl &&
    a.allowInsecureHttp === b.allowInsecureHttp &&
    a.fetch === b.fetch &&
    a.send === b.send &&
    a.timing === b.timing &&
    a.retry === b.retry &&
    a.storeTimeoutMs === b.storeTimeoutMs &&
    a.maxResponseBytes === b.maxResponseBytes &&
    a.clock === b.clock &&
    a.random === b.random &&
    a.sleep === b.sleep
  );
}

function createEngine(exchange: TokenExchange, options: EngineOptions): Engine {
  const policies = resolvePolicies(options);
  const { timing, retry } = policies;
  return {
    exchange,
    provider: exchange.provider,
    baseUrl: requireSecureUrl(
      options.baseUrl,
      "baseUrl",
      booleanOption("allowInsecureHttp", options.allowInsecureHttp),
    ).href,
    policies,
    timing,
    retry,
    send: options.send ?? defaultSender,
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? Date.now,
    random: options.random ?? Math.random,
    sleep: options.sleep ?? defaultSleep,
    presentation: exchange.presentation ?? {},
    tokenHeader: tokenHeaderName(exchange.presentation),
    // A provider that locks accounts must never see failing credentials again from a manager.
    cooldown: {
      ...retry,
      credentialFailureTtlMs: exchange.lockoutAfter ? Infinity : timing.credentialFailureTtlMs,
    },
    sharedRecovery: ioOutlivesRequests(),
  };
}

/** See `Engine.sharedRecovery`: a server runtime, and not an edge one that looks like it. */
function ioOutlivesRequests(): boolean {
  const global = globalThis as {
    navigator?: { userAgent?: unknown };
    EdgeRuntime?: unknown;
    process?: { versions?: { node?: unknown } };
  };
  // workerd with nodejs_compat has a `process`, and Vercel's edge runtime an `EdgeRuntime`.
  if (global.navigator?.userAgent === "Cloudflare-Workers" || global.EdgeRuntime !== undefined)
    return false;
  return typeof global.process?.versions?.node === "string";
}

/**
 * The longest a live refresh can take: lock waits and attempts, each within the retry budget,
 * plus about ten bounded store calls, each up to three bounds when the process stalls (see
 * `startDeadline`). A shared request older than this can only be one whose I/O or timers a
 * runtime cancelled (workerd ends them with the request that started them).
 */
export function maxRefreshMs(engine: Engine, hasStore: boolean): number {
  const { retry, policies } = engine;
  return (
    2 * (retry.maxElapsedMs + retry.attemptTimeoutMs) +
    (hasStore ? 30 * policies.storeTimeoutMs : 0)
  );
}
