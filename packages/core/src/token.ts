/** A token as `getToken()` returns it. */
export interface TokenSet<Raw = Record<string, unknown>> {
  readonly accessToken: string;
  /** Normalised: any casing of "bearer" becomes "Bearer". */
  readonly tokenType: string;
  /** Epoch milliseconds on the local clock. */
  readonly expiresAt: number;
  readonly refreshToken?: string;
  readonly scope?: string;
  /** The provider's response body, typed from its spec. */
  readonly raw: Raw;
}

/** What a TokenStore keeps: plain, serialisable data. */
export interface StoredToken {
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresAt: number;
  readonly refreshToken?: string;
  readonly scope?: string;
  readonly raw: unknown;
  /** Local clock when the request that produced it started. */
  readonly obtainedAt: number;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * Token objects print redacted: `console.log`, `util.inspect` and `JSON.stringify` show the type,
 * expiry and scope, never the token or the refresh token. Read the properties to use them.
 */
const redactedPrototype = {
  toJSON(this: TokenSet<unknown>) {
    return redactedView(this);
  },
  [INSPECT](this: TokenSet<unknown>) {
    return redactedView(this);
  },
};

function redactedView(token: TokenSet<unknown>) {
  return {
    accessToken: "[redacted]",
    tokenType: token.tokenType,
    expiresAt: new Date(token.expiresAt).toISOString(),
    ...(token.refreshToken !== undefined ? { refreshToken: "[redacted]" } : {}),
    ...(token.scope !== undefined ? { scope: token.scope } : {}),
    raw: "[redacted]",
  };
}

export function toTokenSet<Raw>(stored: StoredToken): TokenSet<Raw> {
  const token = Object.create(redactedPrototype) as {
    -readonly [K in keyof TokenSet<Raw>]: TokenSet<Raw>[K];
  };
  token.accessToken = stored.accessToken;
  token.tokenType = stored.tokenType;
  token.expiresAt = stored.expiresAt;
  if (stored.refreshToken !== undefined) token.refreshToken = stored.refreshToken;
  if (stored.scope !== undefined) token.scope = stored.scope;
  token.raw = stored.raw as Raw;
  return token;
}

/** "bearer" in any casing becomes "Bearer"; other types are kept as sent. */
export function normaliseTokenType(value: string): string {
  return value.toLowerCase() === "bearer" ? "Bearer" : value;
}
