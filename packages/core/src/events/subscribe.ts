import { EVENT_SLOT, type EventSlot, type TokenEvent, type TokenEventListener } from "./events.js";
import { optionsError } from "../policy/options.js";

const ignore = () => undefined;

/**
 * Subscribes to a token manager's events (see `TokenEvent`); returns the unsubscribe function.
 * A listener's throw or rejection is contained: it never breaks token handling or crashes the
 * process. Events never carry a secret, a token or an Authorization value. The code lives here,
 * so an application that does not listen does not ship it.
 *
 * @example
 * import { createAuth, onTokenEvent } from "@auth/<provider>";
 * const auth = createAuth({ clientId, clientSecret });
 * const stop = onTokenEvent(auth, (event) => log.info(event.type, event));
 */
export function onTokenEvent(auth: object, listener: TokenEventListener): () => void {
  const slot = (auth as { [EVENT_SLOT]?: EventSlot } | null)?.[EVENT_SLOT];
  if (!slot || typeof slot !== "object")
    throw optionsError(
      "onTokenEvent(auth, listener): auth must be a token manager from createAuth() or createTokenManager()",
    );
  if (typeof listener !== "function")
    throw optionsError("onTokenEvent(auth, listener): listener must be a function");
  const listeners = (slot.listeners ??= new Set());
  slot.dispatch ??= (event: TokenEvent) => {
    for (const each of slot.listeners ?? []) {
      try {
        const result: unknown = each(event);
        // An async listener's rejection would be an unhandled rejection (fatal by default).
        if (result instanceof Object && typeof (result as Promise<void>).then === "function")
          (result as Promise<void>).then(undefined, ignore);
      } catch {
        // A listener's bug must not break token handling.
      }
    }
  };
  // A copy per subscription: the same function subscribed twice is called twice, removed once each.
  const entry: TokenEventListener = (event) => listener(event);
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
    // Nobody listens: the manager stops building events.
    if (!listeners.size) slot.dispatch = undefined;
  };
}
