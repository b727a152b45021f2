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

/** `console.log`, `util.inspect` and `JSON.stringify` show the type, expiry and scope — never the token. */
function redacted(this: TokenSet<unknown>) {
  return {
    tokenType: this.tokenType,
    expiresAt: new Date(this.expiresAt).toISOString(),
    scope: this.scope,
    accessToken: "[redacted]",
  };
}
const redactedPrototype = {
  toJSON: redacted,
  [Symbol.for("nodejs.util.inspect.custom")]: redacted,
};

/** A user-facing token: plain properties to read, redacted when printed. */
export function toTokenSet<Raw>({
  accessToken,
  tokenType,
  expiresAt,
  refreshToken,
  scope,
  raw,
}: StoredToken): TokenSet<Raw> {
  return Object.assign(Object.create(redactedPrototype) as object, {
    accessToken,
    tokenType,
    expiresAt,
    refreshToken,
    scope,
    raw: raw as Raw,
  });
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
  return scheme ? `${scheme} ${token.accessToken}` : token.accessToken;
}
