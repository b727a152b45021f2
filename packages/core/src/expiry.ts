import { decodeBase64Url } from "./encoding.js";
import type { ExpiryKind } from "./exchange.js";

/** Unix timestamps below this are seconds, above it milliseconds (10^11 s is the year 5138). */
export const SECONDS_MILLISECONDS_BOUNDARY = 1e11;

export type ExpirySource = "expires_in" | "expires_at" | "jwt_exp" | "default_ttl";

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
}

export type ExpiryResult =
  { ok: true; expiresAt: number; source: ExpirySource } | { ok: false; reason: string };

/**
 * Expiry, first that applies: the relative or absolute field the spec names; the JWT `exp` claim
 * (decoded, not verified); else the default TTL. Never "never expires".
 */
export function computeExpiry(input: ExpiryInput): ExpiryResult {
  const raw = input.field === undefined ? undefined : input.body[input.field];
  if (raw !== undefined && raw !== null) {
    const value = toNumber(raw);
    if (value === undefined) return { ok: false, reason: `"${input.field}" is not a number` };
    if (input.kind === "relative-seconds") {
      if (value <= 0)
        return { ok: false, reason: `"${input.field}" is not a positive number of seconds` };
      return checkFuture(input.startedAt + value * 1000, input, "expires_in");
    }
    const milliseconds =
      input.kind === "absolute-milliseconds" ||
      (input.kind === "absolute-auto" && value >= SECONDS_MILLISECONDS_BOUNDARY)
        ? value
        : value * 1000;
    return checkFuture(skewCorrected(milliseconds, input), input, "expires_at");
  }
  const exp = jwtExpiry(input.accessToken);
  if (exp !== undefined) return checkFuture(skewCorrected(exp * 1000, input), input, "jwt_exp");
  return { ok: true, expiresAt: input.startedAt + input.defaultTtlMs, source: "default_ttl" };
}

function checkFuture(expiresAt: number, input: ExpiryInput, source: ExpirySource): ExpiryResult {
  if (!Number.isFinite(expiresAt) || expiresAt <= input.receivedAt) {
    return { ok: false, reason: "the token is already expired on arrival" };
  }
  return { ok: true, expiresAt, source };
}

/** Maps a server-clock instant onto the local clock using the response `Date` header. */
function skewCorrected(serverInstant: number, input: ExpiryInput): number {
  if (input.dateHeader === null) return serverInstant;
  const serverNow = Date.parse(input.dateHeader);
  if (Number.isNaN(serverNow)) return serverInstant;
  // Date has one-second resolution: ignore differences that small.
  const skew = serverNow - input.receivedAt;
  return Math.abs(skew) < 1000 ? serverInstant : serverInstant - skew;
}

function toNumber(value: unknown): number | undefined {
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** The `exp` claim of a JWT, in seconds; undefined when the token is not a JWT with a numeric exp. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  const json = decodeBase64Url(parts[1]);
  if (json === undefined) return undefined;
  try {
    const payload: unknown = JSON.parse(json);
    const exp =
      typeof payload === "object" && payload !== null
        ? (payload as { exp?: unknown }).exp
        : undefined;
    return typeof exp === "number" && Number.isFinite(exp) && exp > 0 ? exp : undefined;
  } catch {
    return undefined;
  }
}
