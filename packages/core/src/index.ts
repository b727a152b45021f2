/**
 * `@auth/core`: what application code calls. Generated provider packages and TokenStore authors
 * use `@auth/core/provider` as well.
 *
 * @module @auth/core
 */
export { AuthError, AuthErrorCode, type AuthErrorDetails } from "./contract/errors.js";
export type { TokenExchange, TokenPresentation } from "./contract/exchange.js";
export type { StoredToken, TokenSet } from "./contract/token.js";
export type { TokenStore } from "./contract/store.js";
export type { GrantKind, TokenEvent, TokenEventListener } from "./events/events.js";
export { onTokenEvent } from "./events/subscribe.js";
export {
  TOKEN_EVENT_CHANNEL,
  TOKEN_REQUEST_CHANNEL,
  type TokenRequestTrace,
} from "./events/diagnostics.js";
export {
  createTokenManager,
  type GetTokenOptions,
  type TokenManager,
  type TokenManagerOptions,
} from "./engine/manager.js";
export {
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  authMiddleware,
} from "./middleware/middleware.js";
export { type AuthFetch, authFetch, type FetchLike } from "./middleware/auth-fetch.js";
export type { RetryPolicy } from "./policy/retry.js";
export type { TimingPolicy } from "./policy/timing.js";
export { MemoryTokenStore } from "./store/memory.js";
export { sharedStore } from "./store/shared.js";
