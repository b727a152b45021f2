/**
 * `@auth/sandbox`: a local emulator of every provider's token endpoint, generated from the specs, for tests and demos.
 *
 * @module @auth/sandbox
 */
export { startSandbox, type Sandbox, type SandboxOptions } from "./server.js";
export { SandboxError } from "./errors.js";
export { providers, type ProviderId, type SandboxCredentials } from "./providers.gen.js";
export type { Fault, ProviderSettings, ProviderStats, SandboxProvider } from "./types.js";
