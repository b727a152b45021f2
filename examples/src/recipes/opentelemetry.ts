/**
 * Recipe: OpenTelemetry spans and metrics for token handling, from `node:diagnostics_channel`.
 * Copy this file into your service and call `instrumentTokens()` once at startup, after your
 * OpenTelemetry SDK is set up. No change to the code that creates or uses token managers: every
 * manager in the process publishes on the same channels. Nothing published carries a secret, a
 * token or an Authorization value, so nothing here can put one in a span or a metric.
 *
 * - a span `auth.token_request` per HTTP token request (each attempt), with the provider, grant,
 *   attempt and background flag; ERROR status and `auth.error.code` when it fails;
 * - `auth.token.requests` (counter): token requests, by provider, grant and outcome;
 * - `auth.token.failures` (counter): failures by provider and `AuthError` code — alert on
 *   `invalid_credentials` and `account_locked`, which are never retried;
 * - `auth.token.refresh_lead_time` (histogram, s): how long before its expiry a token was renewed
 *   (negative: it had expired; a shrinking lead time means refreshes are late);
 * - `auth.token.cooldowns` (counter): calls answered from a remembered credentials failure,
 *   without contacting the provider (the event `credentials_failure_remembered`).
 */
import { subscribe, tracingChannel, unsubscribe } from "node:diagnostics_channel";
import {
  type Meter,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import {
  TOKEN_EVENT_CHANNEL,
  TOKEN_REQUEST_CHANNEL,
  type TokenEvent,
  type TokenRequestTrace,
} from "@auth/core";

export interface InstrumentTokensOptions {
  readonly tracer?: Tracer;
  readonly meter?: Meter;
}

/** Starts publishing token spans and metrics; returns the function that stops it. */
export function instrumentTokens(options: InstrumentTokensOptions = {}): () => void {
  const tracer = options.tracer ?? trace.getTracer("@auth/core");
  const meter = options.meter ?? metrics.getMeter("@auth/core");
  const requests = meter.createCounter("auth.token.requests", {
    description: "HTTP token requests (each attempt), by provider, grant and outcome",
  });
  const failures = meter.createCounter("auth.token.failures", {
    description: "Failed token requests, by provider and AuthError code",
  });
  const leadTime = meter.createHistogram("auth.token.refresh_lead_time", {
    description: "Time left on a token when the request renewing it started",
    unit: "s",
  });
  const cooldowns = meter.createCounter("auth.token.cooldowns", {
    description: "Calls answered from a remembered credentials failure, provider not contacted",
  });

  const spans = new WeakMap<TokenRequestTrace, Span>();
  const channel = tracingChannel<unknown, TokenRequestTrace>(TOKEN_REQUEST_CHANNEL);
  const handlers = {
    start(context: TokenRequestTrace) {
      const attributes = {
        "auth.provider": context.provider,
        "auth.grant": context.grant,
        "auth.attempt": context.attempt,
        "auth.background": context.background,
      };
      spans.set(
        context,
        tracer.startSpan("auth.token_request", { kind: SpanKind.CLIENT, attributes }),
      );
      if (context.replacesExpiresAt !== undefined)
        leadTime.record((context.replacesExpiresAt - Date.now()) / 1000, {
          "auth.provider": context.provider,
        });
    },
    end() {},
    asyncStart() {},
    error(context: TokenRequestTrace) {
      const span = spans.get(context);
      const code = context.error?.code ?? "unknown";
      span?.setAttribute("auth.error.code", code);
      if (context.error?.status !== undefined)
        span?.setAttribute("http.response.status_code", context.error.status);
      span?.setStatus({ code: SpanStatusCode.ERROR, message: code });
      failures.add(1, { "auth.provider": context.provider, "auth.error.code": code });
    },
    asyncEnd(context: TokenRequestTrace) {
      const outcome = context.error ? "failure" : "success";
      requests.add(1, {
        "auth.provider": context.provider,
        "auth.grant": context.grant,
        "auth.outcome": outcome,
      });
      const span = spans.get(context);
      if (context.result) span?.setAttribute("auth.token.expires_at", context.result.expiresAt);
      span?.end();
      spans.delete(context);
    },
  };
  const onEvent = (message: unknown) => {
    const event = message as TokenEvent;
    if (event.type === "credentials_failure_remembered")
      cooldowns.add(1, { "auth.provider": event.provider });
  };
  channel.subscribe(handlers);
  subscribe(TOKEN_EVENT_CHANNEL, onEvent);
  return () => {
    channel.unsubscribe(handlers);
    unsubscribe(TOKEN_EVENT_CHANNEL, onEvent);
  };
}
