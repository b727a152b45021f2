/**
 * The data a generated provider package hands to `@auth/core`: how one provider's token exchange
 * works. It is produced from the `x-token-exchange` extension of a spec; core contains no
 * per-provider code.
 */

/** Where one credential travels in the token request. */
export type CredentialPlacement =
  | { readonly in: "basic"; readonly part: "username" | "password" }
  | { readonly in: "header"; readonly header: string }
  | { readonly in: "body"; readonly field: string };

/** One credential the caller supplies, by its option name (for example `clientId`). */
export type CredentialDefinition = CredentialPlacement & {
  /** Option name in `createAuth({ … })`. */
  readonly name: string;
  /** Secrets never appear in cache keys, errors, events or logs. */
  readonly secret: boolean;
  readonly required: boolean;
};

/**
 * How to read the expiry field of a token response.
 * - `relative-seconds`: seconds from when the request started (OAuth `expires_in`).
 * - `absolute-seconds` / `absolute-milliseconds`: a Unix timestamp.
 * - `absolute-auto`: a Unix timestamp; below 10^11 it is seconds, otherwise milliseconds.
 */
export type ExpiryKind =
  "relative-seconds" | "absolute-seconds" | "absolute-milliseconds" | "absolute-auto";

/** Field names in the token response's JSON body. */
export interface TokenResponseMapping {
  readonly accessToken: string;
  readonly tokenType?: string;
  readonly refreshToken?: string;
  readonly scope?: string;
}

/** How a provider's token endpoint is called and how its answer is read. */
export interface TokenExchange {
  /** Provider id, used in messages and cache keys. */
  readonly provider: string;
  /** Path of the token operation, appended to the base URL. */
  readonly tokenPath: string;
  /** Named base URLs (for example `production`, `sandbox`). */
  readonly environments?: Readonly<Record<string, string>>;
  readonly credentials: readonly CredentialDefinition[];
  /** `grant_type` of the primary grant; absent when the request has no body. */
  readonly grant?: string;
  /** `grant_type` used with an issued refresh token, when the provider supports one. */
  readonly refreshGrant?: string;
  /** Form field that carries the requested scope, when the provider accepts one. */
  readonly scopeField?: string;
  readonly response: TokenResponseMapping;
  /**
   * The provider locks the account after this many consecutive failed logins. Core never retries
   * a credentials failure anyway; this is carried into docs and the sandbox.
   */
  readonly lockoutAfter?: number;
  readonly expiry?: {
    /** Response field holding the expiry; absent means "use the JWT `exp` or the default TTL". */
    readonly field?: string;
    readonly kind: ExpiryKind;
    /** Whether the access token is a JWT whose `exp` claim may be used when the field is missing. */
    readonly jwtExp?: boolean;
  };
}
