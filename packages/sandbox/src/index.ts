export { startSandbox, type Sandbox, type SandboxOptions } from "./server.js";
export { SandboxError } from "./errors.js";
export { providers, type ProviderId, type SandboxCredentials } from "./providers.gen.js";
export type { Fault, ProviderSettings, ProviderStats, SandboxProvider } from "./types.js";
