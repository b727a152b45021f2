const MARKER = Symbol.for("@auth/core.AuthError");

/** Stable error codes: safe to switch on, never renamed. */
export const AuthErrorCode = {
  /** The provider rejected the credentials (400 invalid_grant/invalid_client/unauthorized_client, 401, 403). Never retried. */
  InvalidCredentials: "invalid_credentials",
  /**
   * 429 after the retry budget was spent, a Retry-After longer than the budget, or a call made
   * while the manager waits out a provider's Retry-After (see `retryAfterMs`).
   */
  RateLimited: "rate_limited",
  /** Any other non-success status from the token endpoint; see `status`. */
  EndpointError: "endpoint_error",
  /** A success status whose body is not a usable token (not JSON, no token, already expired…). */
  InvalidTokenResponse: "invalid_token_response",
  /** The request never got an HTTP response (DNS, refused, reset). */
  Network: "network_error",
  /** One attempt took longer than the per-attempt timeout. */
  Timeout: "timeout",
  /** The caller's AbortSignal fired. Other callers sharing the request are not affected. */
  Aborted: "aborted",
  /** The token endpoint answered with a redirect. Never followed: it could carry credentials elsewhere. Not retried. */
  Redirect: "redirect_refused",
  /** The response body is larger than `maxResponseBytes`; it was cancelled, not read. Not retried. */
  ResponseTooLarge: "response_too_large",
  /** `close()` was called: the manager hands out no more tokens. */
  Closed: "closed",
  /** A token or API URL is not https (loopback excepted). */
  InsecureUrl: "insecure_url",
  /** An option is missing or malformed; the message names it. */
  InvalidOptions: "invalid_options",
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** What an `AuthError` says besides its code and message; every field is optional. */
export interface AuthErrorDetails {
  readonly status?: number | undefined;
  /** OAuth `error` (or `message`) from the response body, length-capped. */
  readonly oauthError?: string | undefined;
  /** OAuth `error_description` from the response body, length-capped. */
  readonly oauthErrorDescription?: string | undefined;
  /**
   * Milliseconds until the next request may be sent: the provider's Retry-After, or the shared
   * backoff while the provider is failing.
   */
  readonly retryAfterMs?: number | undefined;
  readonly provider?: string | undefined;
  /** How many HTTP attempts were made. */
  readonly attempts?: number | undefined;
  /**
   * Set when the spec classifies the answer as temporary (retried with backoff) although its
   * status alone would not say so, for example a 200 whose envelope says "try again".
   */
  readonly temporary?: boolean | undefined;
  readonly cause?: unknown;
}

/**
 * The one error class `@auth/core` throws. Messages say what happened and what to do, and never
 * contain a secret, a token or a raw response body.
 *
 * @example
 * try {
 *   await auth.getToken();
 * } catch (error) {
 *   if (AuthError.isInstance(error) && error.code === "invalid_credentials") rotateSecrets();
 * }
 */
export class AuthError extends Error implements AuthErrorDetails {
  declare readonly code: AuthErrorCode;
  declare readonly status?: number;
  declare readonly oauthError?: string;
  declare readonly oauthErrorDescription?: string;
  declare readonly retryAfterMs?: number;
  declare readonly provider?: string;
  declare readonly temporary?: boolean;
  declare attempts?: number;

  constructor(code: AuthErrorCode, message: string, { cause, ...details }: AuthErrorDetails = {}) {
    super(message, cause === undefined ? undefined : { cause });
    Object.assign(this, { code }, details);
  }

  /** True for an AuthError from any copy of `@auth/core` (duplicate installs included). */
  static isInstance(value: unknown): value is AuthError {
    return (value as Record<symbol, unknown> | null)?.[MARKER] === true;
  }
}
Object.assign(AuthError.prototype, { name: "AuthError", [MARKER]: true });
