/**
 * The data a generated provider package hands to `@auth/core`: how one provider's token exchange
 * works. It is produced from the `x-token-exchange` extension of a spec; core contains no
 * per-provider code.
 */

/**
 * Where one credential travels in the token request. `body` is a field of the request body, form
 * or JSON as `bodyEncoding` says; `query` is a query-string parameter; `none` is used by a request
 * step (the key of a signed assertion) and never sent.
 */
export type CredentialPlacement =
  | { readonly in: "basic"; readonly part: "username" | "password" }
  /** Not sent as such: a signing key, or an input of a claim (see `assertion`). */
  | { readonly in: "none" }
  | { readonly in: "header"; readonly header: string }
  | { readonly in: "body"; readonly field: string }
  | { readonly in: "query"; readonly field: string };

/** A fixed parameter every token request carries (an `audience`, a constant `scope`, an `Accept`). */
export interface ConstantParameter {
  readonly in: "header" | "query" | "body";
  /** Header name, query parameter or body field. */
  readonly name: string;
  /** A string; a number or boolean only in a JSON body (sent as that JSON type). */
  readonly value: string | number | boolean;
}

/**
 * A `{variable}` of a server URL (`https://{tenant}.api.example.com`): a typed `createAuth`
 * option, checked before it is put into the URL, so a value can never change the host it names.
 */
export interface ServerVariable {
  /** Option name, the variable's name in the spec. */
  readonly name: string;
  /**
   * What the value may be, by where it sits: `label` one DNS label (letters, digits, dashes),
   * `host` a whole host name, `port` digits, `path` one path segment (no `/`, not `.` or `..`).
   */
  readonly in: "label" | "host" | "port" | "path";
  /** Allowed values (the spec's `enum`). */
  readonly enum?: readonly string[];
  /** Used when the option is left out; absent means the option is required. */
  readonly default?: string;
  /** A regular expression the whole value must match (the spec's `x-pattern`). */
  readonly pattern?: string;
}

/**
 * How a response is classified when a rule matches: `credentials` is never retried (like a 401),
 * `rate_limited` waits out Retry-After (like a 429), `temporary` is retried with backoff (like a
 * 503), `failure` is an endpoint error that is not retried.
 */
export type FailureKind = "credentials" | "rate_limited" | "temporary" | "failure";

/** One failure rule: a status (and optionally a body field's value) that means `kind`. */
export interface FailureRule {
  /** Statuses this rule applies to, for example `[200]` for a failure inside a 2xx envelope. */
  readonly status: readonly number[];
  /** JSON Pointer (RFC 6901) of a body field that must hold one of `equals` for the rule to match. */
  readonly pointer?: string;
  readonly equals?: readonly (string | number | boolean | null)[];
  readonly kind: FailureKind;
}

/** Spec-declared failure classification; core's RFC 6749 defaults apply to whatever no rule matches. */
export interface FailureClassification {
  /** First match wins. */
  readonly rules?: readonly FailureRule[];
  /** JSON Pointers of a human-readable message and of a machine code, copied (redacted, capped) into errors. */
  readonly message?: string;
  readonly code?: string;
}

/** How API calls present the token: `<header>: <scheme> <token>`. */
export interface TokenPresentation {
  /** Header name (default `authorization`). */
  readonly header?: string;
  /**
   * Fixed scheme before the token; `""` sends the bare token. Absent: the response's token type
   * (default `Bearer`).
   */
  readonly scheme?: string;
  /**
   * How the token is written after the scheme, when it is not alone: fixed text and options around
   * `{token}` (`{companyId}:{token}`), filled for each tenant by `withInputs`.
   */
  readonly template?: string;
  /** `base64`: the filled template is sent base64-encoded (`Basic base64({companyId}:{token})`). */
  readonly encoding?: "base64";
}

/** One credential the caller supplies, by its option name (for example `clientId`). */
export type CredentialDefinition = CredentialPlacement & {
  /** Option name in `createAuth({ … })`. */
  readonly name: string;
  /**
   * A value built by `createAuth` from fixed text around other options (`urn:acme:{accountId}`),
   * never passed by the caller: `{name}` is a server variable or another credential.
   */
  readonly template?: string;
  /**
   * `false` marks an identifier (a client id, a user name). Anything else is secret: secrets never
   * appear in cache keys, errors, events or logs. The Basic password is secret whatever this says.
   */
  readonly secret?: boolean;
  readonly required: boolean;
};

/**
 * How to read the expiry field of a token response.
 * - `relative-seconds`: seconds from when the request started (OAuth `expires_in`).
 * - `relative-milliseconds`: the same in milliseconds.
 * - `relative-duration`: an ISO 8601 duration (`PT3600S`, `P1DT2H`), from when the request started.
 * - `absolute-seconds` / `absolute-milliseconds`: a Unix timestamp.
 * - `absolute-auto`: a Unix timestamp; below 10^11 it is seconds, otherwise milliseconds.
 * - `absolute-iso8601`: an RFC 3339 date-time with a time zone (`2026-12-01T10:00:00Z`).
 *
 * Numbers may come as decimal strings (`"3599"`). Absolute instants are corrected for the server's
 * clock with the response `Date` header.
 */
export type ExpiryKind =
  | "relative-seconds"
  | "relative-milliseconds"
  | "relative-duration"
  | "absolute-seconds"
  | "absolute-milliseconds"
  | "absolute-auto"
  | "absolute-iso8601";

/** Reads an expiry field that is text rather than a number. */
export interface ExpiryReader {
  /** True: `read` returns an instant (epoch ms, server clock); false: a lifetime in ms. */
  readonly absolute: boolean;
  /** What the field must be, for the error when it is not (`"e" is not <expects>`). */
  readonly expects: string;
  /** The instant or lifetime, or undefined when `raw` is not one. */
  read(raw: unknown): number | undefined;
}

/**
 * Where the token's parts sit in the token response's JSON body: a top-level field name
 * (`access_token`) or a JSON Pointer (RFC 6901) into an envelope (`/data/accessToken`).
 */
export interface TokenResponseMapping {
  readonly accessToken: string;
  /**
   * Reads a body that is not a JSON object holding the token: `textToken` (a text/plain token,
   * field `body:text`) or `headerToken(name)` (a response header, field `header:<name>`), from
   * `@auth/core/provider`. Absent: the body is JSON.
   */
  readonly read?: (text: string, headers: Headers) => unknown;
  readonly tokenType?: string;
  readonly refreshToken?: string;
  readonly scope?: string;
}

/**
 * A signed JWT the token request carries (RFC 7523): client authentication with
 * `client_assertion` (`client-auth`, §2.2), or the assertion of the JWT-bearer grant (`grant`,
 * §2.1). Signed with Web Crypto for every request, by `signAssertion` from `@auth/core/provider`.
 * `token`: the JWT is the access token itself, minted locally (no token endpoint: the sender is
 * `mintToken`), cached until shortly before its own `exp` like any token.
 */
export interface AssertionDefinition {
  readonly use: "client-auth" | "grant" | "token";
  readonly alg: "RS256" | "PS256" | "ES256";
  /** Name of the credential holding the private key: PKCS#8 PEM, or a JWK (JSON). Secret. */
  readonly key: string;
  /**
   * Fixed claims (`aud` defaults to the token URL, except for a minted token). A claim built from
   * options is a credential `claim:<name>`.
   */
  readonly claims: Readonly<Record<string, string | number | boolean>>;
  /** Header `kid`; a `kid` built from options is the credential `header:kid`. */
  readonly kid?: string;
  /** `exp` − `iat`, seconds. */
  readonly lifetimeSeconds: number;
}

/**
 * A value computed for each token request (a payment provider's checksum or signature), sent as a
 * header or body field, or kept (`none`) for later values' `message`. In order: a value may use the
 * ones before it. Computed with Web Crypto by `computeValues` from `@auth/core/provider`.
 * - `timestamp`: the request's time (`format`: `unix-seconds`, `unix-milliseconds`, `iso8601`).
 * - `nonce`: 16 random bytes, hex.
 * - `hash`: `algorithm` (SHA-256/SHA-512) of `message`.
 * - `hmac`: HMAC of `message` with the secret credential `key`.
 * - `rsa-oaep`: `message` encrypted with the provider's RSA public key (SPKI PEM, credential `key`),
 *   OAEP with `algorithm`.
 */
export interface ComputedValue {
  readonly name: string;
  readonly in: "header" | "body" | "none";
  /** Header name or body field (not for `none`). */
  readonly field?: string;
  readonly kind: "timestamp" | "nonce" | "hash" | "hmac" | "rsa-oaep";
  readonly format?: "unix-seconds" | "unix-milliseconds" | "iso8601";
  readonly algorithm?: "SHA-1" | "SHA-256" | "SHA-512";
  /**
   * What is hashed, signed or encrypted: fixed text around `{name}`s — credentials, earlier
   * computed values, and `{body}` (the encoded request body, for a header).
   */
  readonly message?: string;
  /** Credential holding the HMAC secret or the RSA public key. */
  readonly key?: string;
  /** How bytes are written (default hex; base64 for rsa-oaep). */
  readonly encoding?: "hex" | "base64";
}

/**
 * A refresh request of its own: another path, body and headers than the primary grant's (a
 * provider's `POST /oauth/refresh` taking `{"refreshToken": …}` and an `X-Client-Id` header). The
 * answer is read like the primary grant's. When the refresh token is rejected, the primary grant is
 * sent as usual.
 */
export interface RefreshRequest {
  /** Path of the refresh operation, appended to the base URL. */
  readonly tokenPath: string;
  readonly method?: "GET" | "POST";
  readonly bodyEncoding?: "form" | "json";
  readonly paramsIn?: "body" | "query";
  /** Name of the grant parameter, when `refreshGrant` is sent (default: the primary's). */
  readonly grantField?: string;
  /** Field carrying the refresh token (default `refresh_token`). */
  readonly refreshTokenField?: string;
  /** Field carrying the requested scope; absent: the refresh request carries none. */
  readonly scopeField?: string;
  /** Its fixed parameters; the primary grant's are not sent. */
  readonly constants?: readonly ConstantParameter[];
  /**
   * Where each credential goes on this request, in the order and with the names of
   * `exchange.credentials`; `in: "none"` ones are not sent.
   */
  readonly credentials: readonly CredentialDefinition[];
}

/**
 * Completes a token request just before it is sent (signing it). Generated packages import one
 * from `@auth/core/provider` only when their spec needs it, so other packages do not ship it.
 */
export type RequestStep = (
  request: import("../http/request.js").TokenHttpRequest,
  context: {
    readonly exchange: TokenExchange;
    /** Credential values, in the order of `exchange.credentials`. */
    readonly credentials: readonly (string | undefined)[];
    /** The injected clock's time the request started. */
    readonly now: number;
  },
) => Promise<import("../http/request.js").TokenHttpRequest>;

/** How a provider's token endpoint is called and how its answer is read. */
export interface TokenExchange {
  /** Provider id, used in messages and cache keys. */
  readonly provider: string;
  /** Path of the token operation, appended to the base URL. */
  readonly tokenPath: string;
  /** HTTP method of the token operation (default `POST`). */
  readonly method?: "GET" | "POST";
  /** Encoding of the request body, when there is one (default `form`: x-www-form-urlencoded). */
  readonly bodyEncoding?: "form" | "json";
  /**
   * Where `grant_type`, `refresh_token` and the scope go (default `body`). Some providers take them
   * in the query string, with or without a body.
   */
  readonly paramsIn?: "body" | "query";
  /** Name of the grant parameter (default `grant_type`). */
  readonly grantField?: string;
  /** Fixed parameters sent with every token request. */
  readonly constants?: readonly ConstantParameter[];
  /** Named base URLs (for example `production`, `sandbox`); a URL may hold `{variables}`. */
  readonly environments?: Readonly<Record<string, string>>;
  /** The `{variables}` of the server URLs: typed options of `createAuth`. */
  readonly variables?: readonly ServerVariable[];
  /** A signed JWT the request carries (RFC 7523). */
  readonly assertion?: AssertionDefinition;
  /** Values computed for each request: timestamps, nonces, checksums, signatures. */
  readonly computed?: readonly ComputedValue[];
  /** Run on each request just before it is sent: `signAssertion`, `computeValues`. */
  readonly prepare?: RequestStep;
  readonly credentials: readonly CredentialDefinition[];
  /** `grant_type` of the primary grant; absent when the provider takes no grant parameter. */
  readonly grant?: string;
  /** `grant_type` used with an issued refresh token, when the provider supports one. */
  readonly refreshGrant?: string;
  /** A refresh request that differs from the primary grant's (path, body, headers). */
  readonly refresh?: RefreshRequest;
  /** Form field that carries the requested scope, when the provider accepts one. */
  readonly scopeField?: string;
  readonly response: TokenResponseMapping;
  /**
   * The provider locks the account after this many consecutive failed logins. Core never retries
   * a credentials failure anyway; this is carried into docs and the sandbox.
   */
  readonly lockoutAfter?: number;
  /** Which responses mean bad credentials, rate limiting or failure (also inside a 2xx envelope). */
  readonly failures?: FailureClassification;
  /** The header and scheme API calls must carry (default `Authorization: <token type> <token>`). */
  readonly presentation?: TokenPresentation;
  readonly expiry?: {
    /**
     * Response field (name or JSON Pointer) holding the expiry, a number or a decimal string;
     * absent means "use the JWT `exp` or the default TTL".
     */
    readonly field?: string;
    readonly kind: ExpiryKind;
    /** Whether the access token is a JWT whose `exp` claim may be used when the field is missing. */
    readonly jwtExp?: boolean;
    /**
     * The lifetime the provider documents, for responses that state none: used when the field is
     * absent (or there is none) and the token carries no JWT `exp`, instead of the default TTL.
     */
    readonly lifetimeSeconds?: number;
    /**
     * How long a refresh token stays usable, as the provider documents it. A shared store keeps
     * an entry holding one that long, past its access token, so a restart or another process
     * renews with the newest refresh token instead of replaying one the provider has rotated away
     * (a seeded refresh token: the primary grant is the refresh grant, its token a credential).
     */
    readonly refreshLifetimeSeconds?: number;
    /**
     * For the text kinds (`absolute-iso8601`, `relative-duration`): the reader generated packages
     * import from `@auth/core/provider` (`isoDateTimeExpiry`, `isoDurationExpiry`), so a package
     * whose spec uses neither does not ship them.
     */
    readonly read?: ExpiryReader;
  };
}
