import type { TokenExchange } from "@auth/core";

/** One emulated provider: its exchange data and its spec, as generated from specs/. */
export interface SandboxProvider {
  readonly id: string;
  readonly title: string;
  readonly specFile: string;
  readonly exchange: TokenExchange;
  readonly document: Readonly<Record<string, unknown>>;
}

/** Faults the sandbox injects into token responses, on demand. */
export type Fault =
  | { readonly type: "latency"; readonly ms: number }
  | { readonly type: "status"; readonly status: number }
  | { readonly type: "rate-limit"; readonly retryAfterSeconds: number }
  | { readonly type: "reset" }
  | { readonly type: "garbage" }
  | { readonly type: "html" };

/** How a provider issues tokens; change at runtime with `sandbox.configure()`. */
export interface ProviderSettings {
  /** Token lifetime (default 3600 s). */
  lifetimeSeconds: number;
  /** Include the expiry field in responses (switch off to test JWT `exp` / default-TTL fallbacks). */
  includeExpiry: boolean;
  /** Unit of absolute expiry fields (manis): seconds or milliseconds. */
  absoluteUnit: "seconds" | "milliseconds";
  /** Issue a new refresh token on every refresh and revoke the old one (default true). */
  rotateRefreshTokens: boolean;
  /** Offset of the sandbox's clock from the real one, reflected in `Date` and absolute expiries. */
  clockSkewMs: number;
}

/** Counters per provider. */
export interface ProviderStats {
  tokenRequests: number;
  tokensIssued: number;
  refreshGrants: number;
  credentialFailures: number;
  faultsInjected: number;
  apiCalls: number;
  locked: boolean;
}
