const MARKER = Symbol.for("@auth/core.AuthError");

/** Stable error codes: safe to switch on, never renamed. */
export const AuthErrorCode = {
  /** The provider rejected the credentials (400 invalid_grant/invalid_client/unauthorized_client, 401, 403). Never retried. */
  InvalidCredentials: "invalid_credentials",
  /** 429 after the retry budget was spent, or a Retry-After longer than the budget. */
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
  /** A token or API URL is not https (loopback excepted). */
  InsecureUrl: "insecure_url",
  /** An option is missing or malformed; the message names it. */
  InvalidOptions: "invalid_options",
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

export interface AuthErrorDetails {
  readonly status?: number;
  /** OAuth `error` (or `message`) from the response body, length-capped. */
  readonly oauthError?: string;
  /** OAuth `error_description` from the response body, length-capped. */
  readonly oauthErrorDescription?: string;
  /** Milliseconds the provider asked us to wait (Retry-After). */
  readonly retryAfterMs?: number;
  readonly provider?: string;
  /** How many HTTP attempts were made. */
  readonly attempts?: number;
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
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  readonly status: number | undefined;
  readonly oauthError: string | undefined;
  readonly oauthErrorDescription: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly provider: string | undefined;
  readonly attempts: number | undefined;
  private readonly [MARKER] = true;

  constructor(code: AuthErrorCode, message: string, details: AuthErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.oauthError = details.oauthError;
    this.oauthErrorDescription = details.oauthErrorDescription;
    this.retryAfterMs = details.retryAfterMs;
    this.provider = details.provider;
    this.attempts = details.attempts;
  }

  /** True for an AuthError from any copy of `@auth/core` (duplicate installs included). */
  static isInstance(value: unknown): value is AuthError {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[MARKER] === true
    );
  }

  /** Whether retrying the same request later may succeed (never true for credentials). */
  get retryable(): boolean {
    return (
      this.code === AuthErrorCode.Network ||
      this.code === AuthErrorCode.Timeout ||
      this.code === AuthErrorCode.RateLimited ||
      (this.code === AuthErrorCode.EndpointError &&
        this.status !== undefined &&
        (this.status === 408 || this.status >= 500))
    );
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      status: this.status,
      oauthError: this.oauthError,
      oauthErrorDescription: this.oauthErrorDescription,
      retryAfterMs: this.retryAfterMs,
      provider: this.provider,
      attempts: this.attempts,
    };
  }
}
