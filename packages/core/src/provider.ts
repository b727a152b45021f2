/**
 * `@auth/core/provider`: for code that extends the SDK rather than uses it — generated provider
 * packages (`defineProviderAuth` and the openapi-fetch sending helpers) and `TokenStore` authors
 * (the store contract and a deadline that tells a busy process from a slow store). Application
 * code needs only `@auth/core`.
 *
 * It also carries everything of `@auth/core`, so a generated package imports this one module: in
 * Node it is one file holding the whole engine, and `@auth/core` re-exports from it (one copy of
 * every class and cache, whichever of the two an application imports).
 *
 * @module @auth/core/provider
 */
export type {
  AssertionDefinition,
  ComputedValue,
  ConstantParameter,
  CredentialDefinition,
  CredentialPlacement,
  ExpiryKind,
  ExpiryReader,
  FailureClassification,
  FailureKind,
  FailureRule,
  RefreshRequest,
  RequestStep,
  ServerVariable,
  TokenResponseMapping,
} from "./contract/exchange.js";
export type { ReleaseLock, SharedCooldown, StoreBinding } from "./contract/store.js";
export {
  defineProviderAuth,
  type Expect,
  type KeysOfUnion,
  type ProviderAuthOptions,
} from "./engine/provider-auth.js";
export { resolveInputs, withInputs } from "./engine/inputs.js";
export {
  captureResponse,
  type TokenHttpRequest,
  type TokenRequestSender,
  tokenRequestInit,
} from "./http/request.js";
export { isoDateTimeExpiry, isoDurationExpiry } from "./http/expiry-readers.js";
export { mintToken, signAssertion } from "./http/assertion.js";
export { computeValues } from "./http/computed.js";
export { headerToken, textToken } from "./http/token-readers.js";
export { startDeadline } from "./policy/deadline.js";
export * from "./index.js";
