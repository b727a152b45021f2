/**
 * How a provider's token endpoint works, as `pnpm generate` writes it from the spec's
 * `x-token-exchange` (specs/README.md). Declared here, not imported from `@auth/core`: the emulator
 * reads the generated data and the specs, never the client's code, so the two cannot share a bug.
 */
export interface ExchangeData {
  readonly provider: string;
  readonly tokenPath: string;
  readonly method?: "GET" | "POST";
  readonly bodyEncoding?: "form" | "json";
  readonly paramsIn?: "body" | "query";
  readonly grantField?: string;
  readonly environments?: Readonly<Record<string, string>>;
  /** The servers' `{variables}`; the sandbox's demo value of each is the spec's default. */
  readonly variables?: readonly {
    readonly name: string;
    readonly in: string;
    readonly enum?: readonly string[];
    readonly default?: string;
    readonly pattern?: string;
  }[];
  readonly credentials: readonly ({
    readonly name: string;
    readonly secret: boolean;
    readonly required: boolean;
    /** Built by the client from other options (`urn:acme:{accountId}`); never passed by the caller. */
    readonly template?: string;
  } & (
    | { readonly in: "basic"; readonly part: "username" | "password" }
    | { readonly in: "header"; readonly header: string }
    | { readonly in: "body" | "query"; readonly field: string }
    | { readonly in: "none" }
  ))[];
  /** Values the client computes per request; the sandbox recomputes (or decrypts) and checks them. */
  readonly computed?: readonly {
    readonly name: string;
    readonly in: "header" | "body" | "none";
    readonly field?: string;
    readonly kind: "timestamp" | "nonce" | "hash" | "hmac" | "rsa-oaep";
    readonly format?: string;
    readonly algorithm?: string;
    readonly message?: string;
    readonly key?: string;
    readonly encoding?: "hex" | "base64";
  }[];
  /** A signed JWT the client sends (RFC 7523): the sandbox verifies it with the demo key's public half. */
  readonly assertion?: {
    /** `token`: the JWT is the access token, minted by the client (no token endpoint). */
    readonly use: "client-auth" | "grant" | "token";
    readonly alg: "RS256" | "PS256" | "ES256";
    readonly key: string;
    readonly claims: Readonly<Record<string, string | number | boolean>>;
    readonly kid?: string;
    readonly lifetimeSeconds: number;
  };
  readonly grant?: string;
  readonly refreshGrant?: string;
  /** A refresh request of its own: another path and body, its own credentials and constants. */
  readonly refresh?: {
    readonly tokenPath: string;
    readonly bodyEncoding?: "form" | "json";
    readonly paramsIn?: "body" | "query";
    readonly grantField?: string;
    readonly refreshTokenField?: string;
    readonly scopeField?: string;
    readonly constants?: ExchangeData["constants"];
    readonly credentials: ExchangeData["credentials"];
  };
  readonly scopeField?: string;
  readonly constants?: readonly {
    readonly in: "header" | "query" | "body";
    readonly name: string;
    readonly value: string | number | boolean;
  }[];
  readonly response: {
    readonly accessToken: string;
    readonly tokenType?: string;
    readonly refreshToken?: string;
    readonly scope?: string;
  };
  readonly expiry?: {
    readonly field?: string;
    readonly kind: string;
    readonly jwtExp?: boolean;
    readonly lifetimeSeconds?: number;
    /** How long a refresh token lives (the sandbox keeps its own for a day regardless). */
    readonly refreshLifetimeSeconds?: number;
  };
  readonly failures?: {
    readonly rules?: readonly {
      readonly status: readonly number[];
      readonly pointer?: string;
      readonly equals?: readonly (string | number | boolean | null)[];
      readonly kind: string;
    }[];
    readonly message?: string;
    readonly code?: string;
  };
  readonly presentation?: {
    readonly header?: string;
    readonly scheme?: string;
    /** `{companyId}:{token}`: the token written inside a value built from the credentials. */
    readonly template?: string;
    readonly encoding?: "base64";
  };
  readonly lockoutAfter?: number;
}

/** One emulated provider: its exchange data and its spec, as generated from specs/. */
export interface SandboxProvider {
  readonly id: string;
  readonly title: string;
  readonly specFile: string;
  readonly exchange: ExchangeData;
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
