import { type AuthError, AuthErrorCode } from "../contract/errors.js";
import type { StoredToken } from "../contract/token.js";
import { endTrace, traceRequest } from "../events/diagnostics.js";
import type { Emit } from "../events/events.js";
import type { Grant } from "../http/request.js";
import { type AttemptCall, runAttempt } from "../http/runner.js";
import type { CooldownGate } from "../policy/cooldown.js";
import type { StoreSupport } from "../store/support.js";
import type { Engine } from "./engine.js";

/**
 * What the attempt loop needs from the tenant it runs for, besides its part of every attempt
 * (credentials, scope, close signal, text redaction).
 */
export interface AttemptContext extends Omit<AttemptCall, "grant"> {
  readonly engine: Engine;
  /** The tenant's cooldown gate: made at the first failure when `make`, else undefined until then. */
  readonly gate: (make?: boolean) => CooldownGate | undefined;
  readonly store: StoreSupport;
  readonly redactError: <E>(error: E) => E;
  readonly emit: Emit;
  /** A wait that ends early, with `closed`, when the manager is closed. */
  readonly pause: (ms: number, keepAlive: boolean) => Promise<void>;
}

/**
 * One token request with its retries: attempts within the retry budget, each bounded, with the
 * cooldown gate's backoff between them. A credentials failure is never retried; while the provider
 * is failing, a request is one probe on the shared schedule, not a new round of retries. Failures
 * are recorded in the store before the lock is released, so the next holder sees them.
 */
export async function requestToken(
  context: AttemptContext,
  grant: Grant,
  background: boolean,
  replaces?: number,
): Promise<StoredToken> {
  const { engine, store, emit } = context;
  const { clock, retry } = engine;
  const started = clock();
  const kind = grant.refreshToken ? "refresh" : "primary";
  const maxAttempts = context.gate()?.failures ? 1 : retry.maxAttempts;
  const call: AttemptCall = { ...context, grant };
  for (let attempt = 1; ; attempt++) {
    emit("fetch_started", { grant: kind, attempt, background });
    const trace = traceRequest(engine.provider, kind, attempt, background, replaces);
    const attemptStarted = clock();
    const timeout = Math.max(
      1,
      Math.min(retry.attemptTimeoutMs, retry.maxElapsedMs - (attemptStarted - started)),
    );
    let stored: StoredToken;
    try {
      stored = await runAttempt(engine, call, timeout);
    } catch (caught) {
      const error = context.redactError(caught as AuthError);
      endTrace(trace, error);
      if (error.code === AuthErrorCode.Closed) throw error;
      // A rejected refresh token is not a failed login: the primary grant is tried next.
      const rejectedRefresh = kind === "refresh" && error.code === AuthErrorCode.InvalidCredentials;
      const delay = rejectedRefresh ? Infinity : context.gate(true)!.failed(error, clock());
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
      await context.pause(delay, !background);
      continue;
    }
    endTrace(trace, stored);
    context.gate()?.succeeded();
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

/**
 * The refresh grant when there is a refresh token and the provider has one, falling back to the
 * primary grant when the refresh token is rejected.
 */
export async function obtainToken(
  context: AttemptContext,
  previous: { readonly refreshToken?: string | undefined; readonly expiresAt: number } | undefined,
  background: boolean,
): Promise<StoredToken> {
  const refreshToken = previous?.refreshToken;
  const replaces = previous?.expiresAt;
  const { exchange } = context.engine;
  if (refreshToken && (exchange.refreshGrant || exchange.refresh)) {
    try {
      const renewed = await requestToken(context, { refreshToken }, background, replaces);
      // Keep the old refresh token when the response omits one; take the new one when rotated.
      return { ...renewed, refreshToken: renewed.refreshToken ?? refreshToken };
    } catch (error) {
      if ((error as AuthError).code !== AuthErrorCode.InvalidCredentials) throw error;
      context.emit("refresh_grant_rejected", {});
    }
  }
  return requestToken(context, {}, background, replaces);
}
