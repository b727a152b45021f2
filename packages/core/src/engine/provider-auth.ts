import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { TokenExchange } from "../contract/exchange.js";
import { createTokenManager, type TokenManager, type TokenManagerOptions } from "./manager.js";
import type { TokenRequestSender } from "../http/request.js";

/** Where `withInputs` hands `defineProviderAuth` a tenant's own copy of the exchange. */
export const TENANT_EXCHANGE: unique symbol = Symbol("tenant exchange");

/** Options every generated `createAuth` accepts besides the provider's credentials. */
export type ProviderAuthOptions = Omit<
  TokenManagerOptions,
  "exchange" | "credentials" | "baseUrl" | "send"
>;

/** Picks `baseUrl` (wins) or the named environment's server, with a clear error naming the option to fix. */
export function resolveBaseUrl(
  exchange: TokenExchange,
  options: { environment?: unknown; baseUrl?: unknown },
): string {
  if (options.baseUrl !== undefined) return options.baseUrl as string;
  const environments = exchange.environments ?? {};
  const names = Object.keys(environments);
  const environment = String(
    options.environment ?? (names.includes("production") ? "production" : names[0]),
  );
  // Own keys only: an environment named "constructor" or "toString" is not a URL.
  const url = Object.hasOwn(environments, environment) ? environments[environment] : undefined;
  if (typeof url === "string") return url;
  throw new AuthError(
    AuthErrorCode.InvalidOptions,
    names.length
      ? `environment "${environment}" is unknown for ${exchange.provider}; use ${names.map((n) => `"${n}"`).join(" or ")}, or pass baseUrl`
      : `baseUrl is required for ${exchange.provider}: its host is not published; pass createAuth({ baseUrl: "https://…" })`,
  );
}

/**
 * Builds a provider's `createAuth` from its generated data and its typed sender. Generated packages
 * call this once; all behaviour lives here and in the token manager.
 */
export function defineProviderAuth<Options extends object, Raw>(
  exchange: TokenExchange,
  send: TokenRequestSender,
): (options: Options) => TokenManager<Raw> {
  const credentialNames = exchange.credentials.map((c) => c.name);
  return (options: Options) => {
    // No prototype: a "__proto__" key (JSON.parse makes it an own property) stays a plain key.
    const credentials: Record<string, string | undefined> = Object.create(null);
    const rest: Record<string, unknown> = Object.create(null);
    if (typeof options !== "object" || options === null)
      throw new AuthError(AuthErrorCode.InvalidOptions, "createAuth needs an options object");
    for (const [name, value] of Object.entries(options))
      (credentialNames.includes(name) ? credentials : rest)[name] = value;
    return createTokenManager<Raw>({
      ...rest,
      // A tenant's own copy (its presentation filled in by withInputs), else the provider's.
      exchange: (options as { [TENANT_EXCHANGE]?: TokenExchange })[TENANT_EXCHANGE] ?? exchange,
      credentials,
      baseUrl: resolveBaseUrl(exchange, rest),
      send,
    });
  };
}

/** Compile-time assertion used by generated packages: `Expect<X>` fails to type-check unless X is `true`. */
export type Expect<T extends true> = T;
/** Every key of every member of a union. */
export type KeysOfUnion<T> = T extends unknown ? keyof T : never;
