/**
 * This file was auto-generated from specs/alternative-payments.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

/**
 * Typed token manager for Alternative Payments token API: `createAuth`, the request and response types of
 * its token endpoint, and everything of `@auth/core` an application uses.
 *
 * @module @auth/alternative-payments
 */
export { createAuth } from "./create-auth.gen.js";
export {
  authFetch,
  authMiddleware,
  AuthError,
  AuthErrorCode,
  MemoryTokenStore,
  onTokenEvent,
  sharedStore,
  type AuthErrorDetails,
  type AuthFetch,
  type AuthMiddleware,
  type AuthMiddlewareOptions,
  type FetchLike,
  type GetTokenOptions,
  type RetryPolicy,
  type TimingPolicy,
  type TokenEvent,
  type TokenEventListener,
  type TokenManager,
  type TokenRequestTrace,
  type TokenSet,
  type TokenStore,
} from "@auth/core/provider";
export type {
  CreateAuthOptions,
  AlternativePaymentsCredentials,
  AlternativePaymentsEnvironment,
} from "./create-auth.gen.js";
export { exchange, provider } from "./provider.gen.js";
export type { TokenResponse, TokenRequestBody, TokenErrorResponses } from "./provider.gen.js";
export type { paths, components, operations } from "./schema.gen.js";
