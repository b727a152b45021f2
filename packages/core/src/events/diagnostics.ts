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
interface Channels {
  readonly event: Channel;
  readonly start: Channel;
  readonly end: Channel;
  readonly asyncStart: Channel;
  readonly asyncEnd: Channel;
  readonly error: Channel;
}

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

export const TOKEN_EVENT_CHANNEL = "auth:token-event";
export const TOKEN_REQUEST_CHANNEL = "auth:token-request";

let found: Channels | null | undefined;

function channels(): Channels | null {
  if (found !== undefined) return found;
  found = null;
  try {
    const dc = (
      globalThis as {
        process?: { getBuiltinModule?: (id: string) => unknown };
      }
    ).process?.getBuiltinModule?.("node:diagnostics_channel") as
      | {
          channel(name: string): Channel;
          tracingChannel?(name: string): Omit<Channels, "event">;
        }
      | undefined;
    const tracing = dc?.tracingChannel?.(TOKEN_REQUEST_CHANNEL);
    // Named one by one: a TracingChannel's channels are not own properties to spread.
    if (dc && tracing)
      found = {
        event: dc.channel(TOKEN_EVENT_CHANNEL),
        start: tracing.start,
        end: tracing.end,
        asyncStart: tracing.asyncStart,
        asyncEnd: tracing.asyncEnd,
        error: tracing.error,
      };
  } catch {
    // No diagnostics here: nothing is published.
  }
  return found;
}

/** True when someone subscribes to `auth:token-event` (then the manager builds its events). */
export function eventsObserved(): boolean {
  return !!channels()?.event.hasSubscribers;
}

export function publishEvent(event: TokenEvent): void {
  const all = channels();
  if (all?.event.hasSubscribers) all.event.publish(event);
}

/** Opens the trace of one token request, or undefined when nobody subscribes. */
export function traceRequest(
  provider: string,
  grant: GrantKind,
  attempt: number,
  background: boolean,
  replacesExpiresAt?: number,
): TokenRequestTrace | undefined {
  const all = channels();
  if (
    !all ||
    !(all.start.hasSubscribers || all.asyncEnd.hasSubscribers || all.error.hasSubscribers)
  )
    return undefined;
  const trace: TokenRequestTrace = { provider, grant, attempt, background, replacesExpiresAt };
  all.start.publish(trace);
  // The request is asynchronous: its synchronous part ends at once.
  all.end.publish(trace);
  return trace;
}

/** Closes a trace: `error` then the async end on failure, the async end with `result` on success. */
export function endTrace(
  trace: TokenRequestTrace | undefined,
  outcome: { expiresAt: number; tokenType: string } | AuthError,
): void {
  const all = channels();
  if (!trace || !all) return;
  if ("code" in outcome) {
    trace.error = outcome;
    all.error.publish(trace);
  } else trace.result = { expiresAt: outcome.expiresAt, tokenType: outcome.tokenType };
  all.asyncStart.publish(trace);
  all.asyncEnd.publish(trace);
}
