import type { TokenPresentation } from "./exchange.js";

/** A token as `getToken()` returns it. */
export interface TokenSet<Raw = Record<string, unknown>> {
  readonly accessToken: string;
  /** Normalised: any casing of "bearer" becomes "Bearer". */
  readonly tokenType: string;
  /** Epoch milliseconds on the local clock. */
  readonly expiresAt: number;
  readonly refreshToken?: string | undefined;
  readonly scope?: string | undefined;
  /** The provider's response body, typed from its spec. */
  readonly raw: Raw;
}

/** What a TokenStore keeps: plain, serialisable data — a token plus when it was requested. */
export interface StoredToken extends TokenSet<unknown> {
  /** Local clock when the request that produced it started. */
  readonly obtainedAt: number;
}

const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");

/**
 * A user-facing token: plain properties to read, redacted when printed — `console.log`,
 * `util.inspect` and `JSON.stringify` show the type, expiry and scope, never the token. One class,
 * so every token of every tenant shares one shape and one prototype.
 */
class IssuedToken<Raw> implements TokenSet<Raw> {
  declare readonly accessToken: string;
  declare readonly tokenType: string;
  declare readonly expiresAt: number;
  declare readonly refreshToken: string | undefined;
  declare readonly scope: string | undefined;
  declare readonly raw: Raw;

  constructor(stored: StoredToken) {
    this.accessToken = stored.accessToken;
    this.tokenType = stored.tokenType;
    this.expiresAt = stored.expiresAt;
    this.refreshToken = stored.refreshToken;
    this.scope = stored.scope;
    this.raw = stored.raw as Raw;
  }

  toJSON() {
    return {
      tokenType: this.tokenType,
      // The value as it is (epoch milliseconds), and the same instant for people to read.
      expiresAt: this.expiresAt,
      expiresAtIso: new Date(this.expiresAt).toISOString(),
      scope: this.scope,
      accessToken: "[redacted]",
    };
  }

  [inspectSymbol]() {
    return this.toJSON();
  }
}
// Not enumerable, like any class method: spreading a token copies its data only.

/** A user-facing token from a stored one. */
export function toTokenSet<Raw>(stored: StoredToken): TokenSet<Raw> {
  return new IssuedToken<Raw>(stored);
}

/** "bearer" in any casing becomes "Bearer"; other types are kept as sent. */
export function normaliseTokenType(value: string): string {
  return value.toLowerCase() === "bearer" ? "Bearer" : value;
}

/** The header an API call carries the token in, lower-cased (default `authorization`). */
export function tokenHeaderName(presentation: TokenPresentation | undefined): string {
  return (presentation?.header ?? "authorization").toLowerCase();
}

/** The header value: `<scheme> <token>`, the scheme fixed by the spec or the token type; bare when the scheme is "". */
export function presentToken(
  presentation: TokenPresentation | undefined,
  token: Pick<TokenSet, "accessToken" | "tokenType">,
): string {
  const scheme = presentation?.scheme ?? token.tokenType;
  let value = presentation?.template?.replace("{token}", token.accessToken) ?? token.accessToken;
  if (presentation?.encoding) value = btoa(value);
  return scheme ? `${scheme} ${value}` : value;
}

/** Printable ASCII without spaces: what may go into an Authorization header. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;
/** An HTTP auth-scheme name (RFC 9110 token), excluding schemes that carry passwords, not tokens. */
const TOKEN_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PASSWORD_SCHEMES = ["basic", "digest", "negotiate", "ntlm"];

/** Whether `value` can go into `Authorization: <type> <token>` as an access token. */
export function isUsableAccessToken(value: unknown): value is string {
  return typeof value === "string" && HEADER_SAFE.test(value);
}

/** Whether `value` is an auth scheme a bearer-style token may be presented with. */
export function isUsableTokenType(value: unknown): value is string {
  return (
    typeof value === "string" &&
    TOKEN_TYPE.test(value) &&
    !PASSWORD_SCHEMES.includes(value.toLowerCase())
  );
}
