import { DEFAULT_TIMING } from "../policy/defaults.js";
import { decodeBase64Url } from "../secrets/encoding.js";
import type { ExpiryKind } from "../contract/exchange.js";
import { readField } from "./json-pointer.js";

/**
 * A decimal number as some providers send it in a string (`"3599"`): digits, an optional fraction,
 * nothing else (no sign, exponent, spaces or hex), so a garbled value is an error, not a lifetime.
 */
const DECIMAL_STRING = /^(0|[1-9]\d*)(\.\d+)?$/;

/** Unix timestamps below this are seconds, above it milliseconds (10^11 s is the year 5138). */
export const SECONDS_MILLISECONDS_BOUNDARY = 1e11;

export type ExpirySource =
  "expires_in" | "expires_at" | "jwt_exp" | "stated_lifetime" | "default_ttl";

/** RFC 3339 date-time (ISO 8601 with a time zone): a date without one is ambiguous, refused. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** ISO 8601 duration in days, hours, minutes and seconds (`PT3600S`, `P1DT2H`); no months or years, whose length varies. */
const ISO_DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function parseIsoDate(text: string): number | undefined {
  if (!ISO_DATE_TIME.test(text)) return undefined;
  const at = Date.parse(text.replace(" ", "T"));
  return Number.isFinite(at) ? at : undefined;
}

function parseDuration(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  // "P" and "PT" alone match the pattern and say nothing.
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
  return (((+days * 24 + +hours) * 60 + +minutes) * 60 + +seconds) * 1000;
}

export interface ExpiryInput {
  readonly body: Readonly<Record<string, unknown>>;
  readonly field: string | undefined;
  readonly kind: ExpiryKind;
  readonly accessToken: string;
  /** Local clock when the request started: relative lifetimes count from here. */
  readonly startedAt: number;
  /** Local clock when the response arrived: absolute times are mapped onto it. */
  readonly receivedAt: number;
  /** The response `Date` header, used to correct for the server's clock skew. */
  readonly dateHeader: string | null;
  readonly defaultTtlMs: number;
  /** The lifetime the spec states for responses without one (before the default TTL). */
  readonly statedLifetimeMs?: number;
  /** Longer lifetimes are cut to this (default 24 h), so `expiresAt` is always a finite, printable instant. */
  readonly maxLifetimeMs?: number;
  /** A `Date` header further off the local clock than this is ignored, not trusted (default 24 h). */
  readonly maxClockSkewMs?: number;
}

export type ExpiryResult =
  | { ok: true; expiresAt: number; source: ExpirySource; capped: boolean }
  | { ok: false; reason: string };

/**
 * Expiry, first that applies: the relative or absolute field the spec names (a number, a decimal
 * string, an ISO 8601 date-time or duration, as its kind says); the JWT `exp` claim (decoded, not
 * verified); the lifetime the spec states; else the default TTL. Never "never expires": a lifetime longer than
 * `maxLifetimeMs` is cut to it, and a `Date` header implying a skew beyond `maxClockSkewMs` (a proxy's
 * or a broken clock) is ignored.
 */
export function computeExpiry(input: ExpiryInput): ExpiryResult {
  const { field, kind, startedAt, receivedAt } = input;
  const raw = field === undefined ? undefined : readField(input.body, field);
  const maxLifetimeMs = input.maxLifetimeMs ?? DEFAULT_TIMING.maxLifetimeMs;
  const skew = clockSkew(input);
  // Map a server-clock instant onto the local clock.
  const local = (serverInstant: number) => serverInstant - skew;
  let expiresAt: number;
  let source: ExpirySource;
  if (raw !== undefined && raw !== null && kind === "absolute-iso8601") {
    const at = typeof raw === "string" ? parseIsoDate(raw) : undefined;
    if (at === undefined)
      return { ok: false, reason: `"${field}" is not an ISO 8601 date-time with a time zone` };
    expiresAt = local(at);
    source = "expires_at";
  } else if (raw !== undefined && raw !== null && kind === "relative-duration") {
    const ms = typeof raw === "string" ? parseDuration(raw) : undefined;
    if (ms === undefined)
      return { ok: false, reason: `"${field}" is not an ISO 8601 duration such as PT3600S` };
    expiresAt = startedAt + ms;
    source = "expires_in";
  } else if (raw !== undefined && raw !== null) {
    const value =
      typeof raw === "number"
        ? raw
        : typeof raw === "string" && DECIMAL_STRING.test(raw)
          ? +raw
          : NaN;
    if (!Number.isFinite(value)) return { ok: false, reason: `"${field}" is not a number` };
    if (kind === "relative-seconds" || kind === "relative-milliseconds") {
      expiresAt = startedAt + (kind === "relative-seconds" ? value * 1000 : value);
      source = "expires_in";
    } else {
      const milliseconds =
        kind === "absolute-milliseconds" ||
        (kind === "absolute-auto" && value >= SECONDS_MILLISECONDS_BOUNDARY);
      expiresAt = local(milliseconds ? value : value * 1000);
      source = "expires_at";
    }
  } else {
    const exp = jwtExpiry(input.accessToken);
    if (exp !== undefined) {
      expiresAt = local(exp * 1000);
      source = "jwt_exp";
    } else if (input.statedLifetimeMs !== undefined) {
      expiresAt = startedAt + input.statedLifetimeMs;
      source = "stated_lifetime";
    } else {
      const ttl = Math.min(input.defaultTtlMs, maxLifetimeMs);
      return { ok: true, expiresAt: startedAt + ttl, source: "default_ttl", capped: false };
    }
  }
  if (Number.isNaN(expiresAt)) return { ok: false, reason: `"${field}" is out of range` };
  if (expiresAt <= receivedAt)
    return { ok: false, reason: "the token is already expired on arrival" };
  const capped = expiresAt - startedAt > maxLifetimeMs;
  return { ok: true, expiresAt: capped ? startedAt + maxLifetimeMs : expiresAt, source, capped };
}

/**
 * How far the server's clock is ahead of ours (negative: behind), from the response's `Date`
 * header, or 0 when the header does not show one. The server wrote `Date` (truncated to the
 * second) at some local instant between the request's start and the response's arrival, so the
 * skew lies in (Date − receivedAt, Date + 1 s − startedAt). Only an interval that excludes 0 shows
 * a skew — a slow response, or a stall in this process, is not one — and then the upper end is
 * taken: of every skew the header allows, the one that dates expiry earliest (a token is renewed a
 * little early rather than used after the server let it expire). Beyond `maxClockSkewMs` the
 * header is a proxy's or a broken clock's, and ignored.
 */
function clockSkew(input: ExpiryInput): number {
  const date = Date.parse(input.dateHeader ?? "");
  if (!Number.isFinite(date)) return 0;
  const low = date - input.receivedAt;
  const high = date + 1000 - input.startedAt;
  if (low <= 0 && high >= 0) return 0;
  return Math.abs(high) <= (input.maxClockSkewMs ?? DEFAULT_TIMING.maxClockSkewMs) ? high : 0;
}

/** The `exp` claim of a JWT, in seconds; undefined when the token is not a JWT with a numeric exp. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  try {
    const exp: unknown =
      parts.length === 3 ? JSON.parse(decodeBase64Url(parts[1]!) ?? "")?.exp : undefined;
    return typeof exp === "number" && exp > 0 && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}
