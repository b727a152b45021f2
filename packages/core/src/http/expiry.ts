import { DEFAULT_TIMING } from "../policy/defaults.js";
import { decodeBase64Url } from "../secrets/encoding.js";
import type { ExpiryKind, ExpiryReader } from "../contract/exchange.js";
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
  /** Reads a text field (an ISO 8601 date-time or duration): see `ExpiryReader`. */
  readonly reader?: ExpiryReader | undefined;
  /** The lifetime the spec states for responses without one, in seconds (before the default TTL). */
  readonly statedLifetimeSeconds?: number | undefined;
  /** Longer lifetimes are cut to this (default 24 h), so `expiresAt` is always a finite, printable instant. */
  readonly maxLifetimeMs?: number;
  /** A `Date` header further off the local clock than this is ignored, not trusted (default 24 h). */
  readonly maxClockSkewMs?: number;
}

export type ExpiryResult =
  { ok: true; expiresAt: number; capped: boolean } | { ok: false; reason: string };

/**
 * Expiry, first that applies: the relative or absolute field the spec names (a number or a decimal
 * string as its kind says; text through the exchange's reader); the JWT `exp` claim (decoded, not
 * verified); the lifetime the spec states; else the default TTL. Never "never expires": a lifetime longer than
 * `maxLifetimeMs` is cut to it, and a `Date` header implying a skew beyond `maxClockSkewMs` (a proxy's
 * or a broken clock) is ignored.
 */
export function computeExpiry(input: ExpiryInput): ExpiryResult {
  const { field, kind, startedAt, receivedAt, reader } = input;
  const raw = field === undefined ? undefined : readField(input.body, field);
  const maxLifetimeMs = input.maxLifetimeMs ?? DEFAULT_TIMING.maxLifetimeMs;
  // Server-clock instants minus the skew are local ones.
  const skew = clockSkew(input);
  let expiresAt: number;
  if (raw !== undefined && raw !== null) {
    let value: number | undefined;
    let absolute: boolean;
    if (reader) {
      value = reader.read(raw);
      if (value === undefined) return { ok: false, reason: `"${field}" is not ${reader.expects}` };
      absolute = reader.absolute;
    } else {
      value =
        typeof raw === "number"
          ? raw
          : typeof raw === "string" && DECIMAL_STRING.test(raw)
            ? +raw
            : NaN;
      if (!Number.isFinite(value)) return { ok: false, reason: `"${field}" is not a number` };
      absolute = kind.startsWith("absolute");
      // relative-seconds, absolute-seconds, and absolute-auto below 10^11 are seconds.
      if (
        kind.endsWith("-seconds") ||
        (kind === "absolute-auto" && value < SECONDS_MILLISECONDS_BOUNDARY)
      )
        value *= 1000;
    }
    expiresAt = absolute ? value - skew : startedAt + value;
  } else {
    const exp = jwtExpiry(input.accessToken);
    const stated = input.statedLifetimeSeconds;
    if (exp === undefined && stated === undefined) {
      const ttl = Math.min(input.defaultTtlMs, maxLifetimeMs);
      return { ok: true, expiresAt: startedAt + ttl, capped: false };
    }
    expiresAt = exp !== undefined ? exp * 1000 - skew : startedAt + stated! * 1000;
  }
  if (Number.isNaN(expiresAt)) return { ok: false, reason: `"${field}" is out of range` };
  if (expiresAt <= receivedAt)
    return { ok: false, reason: "the token is already expired on arrival" };
  const capped = expiresAt - startedAt > maxLifetimeMs;
  return { ok: true, expiresAt: capped ? startedAt + maxLifetimeMs : expiresAt, capped };
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
  const low = date - input.receivedAt;
  const high = date + 1000 - input.startedAt;
  // No header, or a garbled one: NaN fails every comparison, so no skew.
  return (low > 0 || high < 0) &&
    Math.abs(high) <= (input.maxClockSkewMs ?? DEFAULT_TIMING.maxClockSkewMs)
    ? high
    : 0;
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
