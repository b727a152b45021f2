import type { AuthErrorCode } from "./errors.js";

/** Which grant a request used. */
export type GrantKind = "primary" | "refresh";

/**
 * What the token manager is doing. Events never carry a secret, a token or an Authorization value.
 */
export type TokenEvent =
  | {
      type: "fetch_started";
      provider: string;
      grant: GrantKind;
      attempt: number;
      background: boolean;
    }
  | {
      type: "fetch_succeeded";
      provider: string;
      grant: GrantKind;
      attempt: number;
      background: boolean;
      expiresAt: number;
      durationMs: number;
    }
  | {
      type: "fetch_failed";
      provider: string;
      grant: GrantKind;
      attempt: number;
      background: boolean;
      code: AuthErrorCode;
      status: number | undefined;
      /** Milliseconds until the next attempt, when one follows. */
      retryInMs: number | undefined;
    }
  | { type: "refreshed_in_background"; provider: string; expiresAt: number }
  | {
      type: "background_refresh_failed";
      provider: string;
      code: AuthErrorCode;
      nextAttemptInMs: number;
    }
  /** A cached token was served while it is inside its refresh window (a refresh is due or running). */
  | { type: "served_stale"; provider: string; expiresAt: number }
  /** The refresh grant was rejected; the primary grant is used instead. */
  | { type: "refresh_grant_rejected"; provider: string }
  /** A remembered credentials failure was returned without contacting the provider. */
  | { type: "credentials_failure_remembered"; provider: string; retryInMs: number };

export type TokenEventListener = (event: TokenEvent) => void;
