import type { AuthErrorCode } from "../contract/errors.js";

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
  /**
   * A shared request older than any live refresh can be was dropped and a new one sent: its I/O or
   * timers were cancelled under it (an edge runtime ending the request that started it).
   */
  | { type: "stuck_request_dropped"; provider: string; ageMs: number }
  /** A cached token was served while it is inside its refresh window (a refresh is due or running). */
  | { type: "served_stale"; provider: string; expiresAt: number }
  /** The refresh grant was rejected; the primary grant is used instead. */
  | { type: "refresh_grant_rejected"; provider: string }
  /** A remembered credentials failure was returned without contacting the provider. */
  | { type: "credentials_failure_remembered"; provider: string; retryInMs: number }
  /** A TokenStore call threw, rejected or timed out; the manager carried on without the store. */
  | {
      type: "store_failed";
      provider: string;
      operation: "get" | "set" | "delete" | "lock" | "release" | "cooldown";
      reason: "timeout" | "error";
    }
  /** A value read from the TokenStore was not a usable token; it was discarded and deleted. */
  | { type: "store_value_rejected"; provider: string; reason: string }
  /**
   * Every call to the TokenStore has failed since the manager was created (`failures` in a row,
   * none ever answered): tokens are not shared, failures not remembered fleet-wide. Emitted once,
   * with a one-time console warning: usually a client that is not connected or not supported.
   */
  | { type: "store_unusable"; provider: string; failures: number };

/**
 * A listener may be async (a `() => void` type accepts one): its throws and rejections are
 * contained and never crash the process.
 */
export type TokenEventListener = (event: TokenEvent) => void;

/** The data of one event type, without the fields the manager fills in. */
export type EventData<T extends TokenEvent["type"]> = Omit<
  Extract<TokenEvent, { type: T }>,
  "type" | "provider"
>;

/** Reports an event: builds it only when someone listens. */
export type Emit = <T extends TokenEvent["type"]>(type: T, data: EventData<T>) => void;

/** What the manager calls for each event; `dispatch` is absent until someone listens. */
export interface EventSlot {
  dispatch?: ((event: TokenEvent) => void) | undefined;
  listeners?: Set<TokenEventListener>;
}

/** Where a manager keeps its event slot (`Symbol.for`, so two copies of core agree). */
export const EVENT_SLOT: unique symbol = Symbol.for("@auth/core.events") as never;
