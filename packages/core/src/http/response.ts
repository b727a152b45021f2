import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { FailureKind, FailureRule, TokenExchange } from "../contract/exchange.js";
import { computeExpiry } from "./expiry.js";
import type { RetryPolicy } from "../policy/retry.js";
import type { TimingPolicy } from "../policy/timing.js";
import { readField } from "./json-pointer.js";
import {
  isUsableAccessToken,
  isUsableTokenType,
  normaliseTokenType,
  type StoredToken,
} from "../contract/token.js";

/** A response after its body was read (within the size cap). */
export interface ReadResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface ParseContext {
  readonly exchange: TokenExchange;
  /** True for the primary grant (the login), false for the refresh grant. */
  readonly primary: boolean;
  /** Local clock when the request started, and when its response arrived. */
  readonly startedAt: number;
  readonly receivedAt: number;
  /** Resolved timing (default TTL, longest lifetime, clock skew) and retry (Retry-After cap). */
  readonly timing: TimingPolicy;
  readonly retry: RetryPolicy;
  /** Scrubs secrets from provider text: applied before any folding or cut. */
  readonly redact?: (text: string) => string;
}

const CREDENTIAL_ERRORS = ["invalid_grant", "invalid_client", "unauthorized_client"];
/** Seconds or an HTTP date; undefined when absent or unreadable. Capped to `max`. */
export function parseRetryAfter(
  value: string | null,
  now: number,
  max: number,
): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? +trimmed * 1000 : Date.parse(trimmed) - now;
  return Number.isFinite(ms) ? Math.min(max, Math.max(0, ms)) : undefined;
}

/**
 * Provider text for an error message: secrets scrubbed first (in every form the redactor knows),
 * then folded to printable ASCII and length-capped, so neither the fold nor the cut can hide a
 * secret from the redactor or leave a piece of one.
 */
function excerpt(value: unknown, redact: (text: string) => string = String): string | undefined {
  return typeof value === "string" && value
    ? redact(value.slice(0, 4096))
        .replace(/[^\x20-\x7e]/g, "?")
        .slice(0, 200)
    : undefined;
}

/** The first rule that matches this status and body; undefined when none does. */
export function matchFailureRule(
  rules: readonly FailureRule[] | undefined,
  status: number,
  body: unknown,
): FailureRule | undefined {
  return rules?.find(
    (rule) =>
      rule.status.includes(status) &&
      (rule.pointer === undefined ||
        (rule.equals ?? []).some((value) => readField(body, rule.pointer!) === value)),
  );
}

/**
 * Turns a read response into a token or a typed error. Never copies the raw body into an error:
 * only the OAuth `error`/`error_description` fields, their problem-details equivalents, or the
 * message and code the spec points at.
 */
export function parseTokenResponse(response: ReadResponse, context: ParseContext): StoredToken {
  const { exchange, primary } = context;
  const provider = exchange.provider;
  const { status, headers } = response;
  let body: unknown;
  try {
    const read = exchange.response.read;
    body = read ? read(response.text, headers) : JSON.parse(response.text);
  } catch {
    // Not JSON: an HTML error page or garbage. Nothing of it goes into errors.
  }
  const record = (
    typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}
  ) as Record<string, unknown>;

  const rule = matchFailureRule(exchange.failures?.rules, status, body);
  if (rule !== undefined || status < 200 || status > 299) {
    const failures = exchange.failures;
    const { redact } = context;
    const oauthError =
      (failures?.code !== undefined
        ? excerpt(readField(body, failures.code), redact)
        : undefined) ??
      excerpt(record.error, redact) ??
      excerpt(record.message, redact) ??
      excerpt(record.title, redact);
    const oauthErrorDescription =
      (failures?.message !== undefined
        ? excerpt(readField(body, failures.message), redact)
        : undefined) ??
      excerpt(record.error_description, redact) ??
      excerpt(record.detail, redact);
    const retryAfterMs = parseRetryAfter(
      headers.get("retry-after"),
      Date.now(),
      context.retry.maxRetryAfterMs,
    );
    const said = oauthError
      ? ` (${oauthError}${oauthErrorDescription && oauthErrorDescription !== oauthError ? `: ${oauthErrorDescription}` : ""})`
      : oauthErrorDescription
        ? ` (${oauthErrorDescription})`
        : "";
    const details = {
      status,
      provider,
      oauthError,
      oauthErrorDescription,
      retryAfterMs,
      ...(rule?.kind === "temporary" ? { temporary: true } : {}),
      ...(rule?.kind === "failure" ? { temporary: false } : {}),
    };
    const kind = rule?.kind ?? defaultKind(exchange, status, oauthError);
    if (kind === "credentials") {
      throw new AuthError(
        AuthErrorCode.InvalidCredentials,
        `${provider} rejected the ${primary ? "credentials" : "refresh token"} with ${status}${said}. Not retried: check them (some providers lock an account after repeated failures)`,
        details,
      );
    }
    if (kind === "rate_limited") {
      throw new AuthError(
        AuthErrorCode.RateLimited,
        `${provider} rate-limited the token request (${status}). Request tokens less often`,
        details,
      );
    }
    const temporary = details.temporary ?? (status > 499 || status === 408);
    throw new AuthError(
      AuthErrorCode.EndpointError,
      `${provider} token endpoint answered ${status}${rule ? " with a failure" : ""}${said}. ${temporary ? "Try again later" : "Check baseUrl and options"}`,
      details,
    );
  }

  const invalid = (reason: string) =>
    new AuthError(
      AuthErrorCode.InvalidTokenResponse,
      `${provider} answered ${status} but ${reason}; not cached. Check that baseUrl points at the token endpoint`,
      { status, provider },
    );
  const mapping = exchange.response;
  const read = (field: string | undefined) =>
    field === undefined ? undefined : (readField(record, field) ?? undefined);
  const accessToken = read(mapping.accessToken);
  const tokenType = read(mapping.tokenType) ?? "Bearer";
  const refreshToken = read(mapping.refreshToken);
  const scope = read(mapping.scope);
  if (body !== record) throw invalid("the body is not a JSON object");
  if (!isUsableAccessToken(accessToken))
    throw invalid(`"${mapping.accessToken}" is not a usable token`);
  if (!isUsableTokenType(tokenType)) throw invalid(`"${mapping.tokenType}" is not a token type`);
  if (refreshToken !== undefined && (typeof refreshToken !== "string" || !refreshToken))
    throw invalid(`"${mapping.refreshToken}" is not a string`);

  const expiry = computeExpiry({
    body: record,
    field: exchange.expiry?.field,
    kind: exchange.expiry?.kind ?? "relative-seconds",
    accessToken,
    startedAt: context.startedAt,
    receivedAt: context.receivedAt,
    dateHeader: headers.get("date"),
    defaultTtlMs: context.timing.defaultTtlMs,
    reader: exchange.expiry?.read,
    statedLifetimeSeconds: exchange.expiry?.lifetimeSeconds,
    maxLifetimeMs: context.timing.maxLifetimeMs,
    maxClockSkewMs: context.timing.maxClockSkewMs,
  });
  if (!expiry.ok) throw invalid(expiry.reason);
  return {
    accessToken,
    tokenType: normaliseTokenType(tokenType),
    expiresAt: expiry.expiresAt,
    refreshToken,
    scope:
      typeof scope === "string"
        ? scope
        : Array.isArray(scope) && scope.every((s) => typeof s === "string")
          ? scope.join(" ")
          : undefined,
    raw: record,
    obtainedAt: context.startedAt,
  };
}

/**
 * RFC 6749 defaults for what no spec rule matched: 401, 403 and the OAuth credential errors are
 * bad credentials; for a provider that locks accounts, any client error on the login but a timeout
 * or a rate limit may be a failed login and must not be repeated; 429 is rate limiting.
 */
function defaultKind(
  exchange: TokenExchange,
  status: number,
  oauthError: string | undefined,
): FailureKind {
  const lockoutSuspect =
    exchange.lockoutAfter !== undefined &&
    status >= 400 &&
    status <= 499 &&
    status !== 408 &&
    status !== 429;
  if (
    status === 401 ||
    status === 403 ||
    (status === 400 && CREDENTIAL_ERRORS.includes(oauthError!)) ||
    lockoutSuspect
  )
    return "credentials";
  return status === 429 ? "rate_limited" : "failure";
}
