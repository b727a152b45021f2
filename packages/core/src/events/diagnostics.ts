import type { AuthError } from "../contract/errors.js";
import type { GrantKind, TokenEvent } from "./events.js";

/**
 * Token lifecycle on `node:diagnostics_channel`, for APM agents and OpenTelemetry without a line
 * of application code:
 * - `auth:token-event` — every `TokenEvent`, the same objects `onTokenEvent` listeners get;
 * - `tracing:auth:token-request:{start,end,asyncStart,asyncEnd,error}` — a `TracingChannel` around
 *   each HTTP token request (each attempt). Its context is a `TokenRequestTrace`: `provider`,
 *   `grant`, `attempt`, `background`; at the end, `result` (`expiresAt`, `tokenType`) or `error`
 *   (the `AuthError`, its text already redacted).
 *
 * Nothing published carries a secret, a token or an Authorization value. The module is found with
 * `process.getBuiltinModule` (Node >= 20.16, Deno, Bun, workerd with nodejs_compat), never
 * imported, so browsers and runtimes without it load nothing and publish nothing. Events are built
 * only while a channel has subscribers.
 */
interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}
type Tracing = Record<"start" | "end" | "asyncStart" | "asyncEnd" | "error", Channel>;

/** The context of one traced token request, as `tracing:auth:token-request:*` subscribers see it. */
export interface TokenRequestTrace {
  readonly provider: string;
  readonly grant: GrantKind;
  readonly attempt: number;
  readonly background: boolean;
  /**
   * The expiry (epoch ms) of the token this request renews, when it renews one: at `start`,
   * `replacesExpiresAt - Date.now()` is the refresh lead time (negative: it had expired).
   */
  readonly replacesExpiresAt?: number;
  /** Set before `asyncStart`/`asyncEnd` when the request returned a token. */
  result?: { readonly expiresAt: number; readonly tokenType: string };
  /** Set before `error` when it failed. */
  error?: AuthError;
}

/** The `node:diagnostics_channel` channel every `TokenEvent` is published on. */
export const TOKEN_EVENT_CHANNEL = "auth:token-event";
/**
 * The `TracingChannel` around each HTTP token request: subscribe with
 * `diagnostics_channel.tracingChannel(TOKEN_REQUEST_CHANNEL).subscribe({ start, asyncEnd, error })`;
 * each handler gets a `TokenRequestTrace`.
 */
export const TOKEN_REQUEST_CHANNEL = "auth:token-request";

let looked = false;
let events: Channel | undefined;
let tracing: Tracing | undefined;

function look(): void {
  looked = true;
  try {
    const dc = (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
    ).process?.getBuiltinModule?.("node:diagnostics_channel") as
      { channel(name: string): Channel; tracingChannel?(name: string): Tracing } | undefined;
    events = dc?.channel(TOKEN_EVENT_CHANNEL);
    tracing = dc?.tracingChannel?.(TOKEN_REQUEST_CHANNEL);
  } catch {
    // No diagnostics here: nothing is published.
  }
}

/** True when someone subscribes to `auth:token-event` (then the manager builds its events). */
export function eventsObserved(): boolean {
  if (!looked) look();
  return !!events?.hasSubscribers;
}

export function publishEvent(event: TokenEvent): void {
  if (events?.hasSubscribers) events.publish(event);
}

/** Opens the trace of one token request, or undefined when nobody subscribes. */
export function traceRequest(
  provider: string,
  grant: GrantKind,
  attempt: number,
  background: boolean,
  replacesExpiresAt?: number,
): TokenRequestTrace | undefined {
  if (!looked) look();
  const t = tracing;
  if (!(t?.start.hasSubscribers || t?.asyncEnd.hasSubscribers || t?.error.hasSubscribers)) return;
  const trace: TokenRequestTrace = { provider, grant, attempt, background, replacesExpiresAt };
  t.start.publish(trace);
  // The request is asynchronous: its synchronous part ends at once.
  t.end.publish(trace);
  return trace;
}

/** Closes a trace: `error` then the async end on failure, the async end with `result` on success. */
export function endTrace(
  trace: TokenRequestTrace | undefined,
  outcome: { expiresAt: number; tokenType: string } | AuthError,
): void {
  const t = tracing;
  if (!trace || !t) return;
  if ("code" in outcome) t.error.publish(Object.assign(trace, { error: outcome }));
  else trace.result = { expiresAt: outcome.expiresAt, tokenType: outcome.tokenType };
  t.asyncStart.publish(trace);
  t.asyncEnd.publish(trace);
}
