export { AuthError, AuthErrorCode, type AuthErrorDetails } from "./errors.js";
export type { TokenEvent, TokenEventListener, GrantKind } from "./events.js";
export { onTokenEvent } from "./on-token-event.js";
export type {
  ConstantParameter,
  CredentialDefinition,
  CredentialPlacement,
  ExpiryKind,
  FailureClassification,
  FailureKind,
  FailureRule,
  TokenExchange,
  TokenPresentation,
  TokenResponseMapping,
} from "./exchange.js";
export { readField } from "./json-pointer.js";
export { computeExpiry, jwtExpiry, SECONDS_MILLISECONDS_BOUNDARY } from "./expiry.js";
export { basicAuthorization } from "./encoding.js";
export { startDeadline } from "./deadline.js";
export {
  createTokenManager,
  type GetTokenOptions,
  type TokenManager,
  type TokenManagerOptions,
} from "./manager.js";
export {
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  authMiddleware,
  createAuthMiddleware,
} from "./middleware.js";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./request-runner.js";
export { DEFAULT_STORE_TIMEOUT_MS, validateStoredToken } from "./store-gateway.js";
export { sharedStore } from "./store-support.js";
export {
  defineProviderAuth,
  resolveBaseUrl,
  type Expect,
  type KeysOfUnion,
  type ProviderAuthOptions,
} from "./provider-auth.js";
export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";
export {
  MemoryTokenStore,
  type ReleaseLock,
  type SharedCooldown,
  type StoreBinding,
  type TokenStore,
} from "./store.js";
export { DEFAULT_TIMING, schedule, type TimingPolicy } from "./timing.js";
export type { StoredToken, TokenSet } from "./token.js";
export {
  captureResponse,
  defaultSender,
  encodeBody,
  tokenRequestInit,
  type TokenHttpRequest,
  type TokenRequestSender,
} from "./token-request.js";
export { isLoopbackHost, requireSecureUrl } from "./url.js";
