/**
 * This file was auto-generated from specs/manis.yaml by `pnpm generate`.
 * Do not make direct changes to the file: edit the spec and regenerate.
 */

export { createAuth } from "./create-auth.gen.js";
export {
  authMiddleware,
  AuthError,
  onTokenEvent,
  type AuthMiddleware,
  type TokenEvent,
} from "@auth/core";
export type { CreateAuthOptions, ManisCredentials } from "./create-auth.gen.js";
export { exchange, provider } from "./provider.gen.js";
export type { TokenResponse, TokenErrorResponses } from "./provider.gen.js";
export type { paths, components, operations } from "./schema.gen.js";
