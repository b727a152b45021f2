import { AuthError, AuthErrorCode } from "./errors.js";
import type { TokenExchange } from "./exchange.js";
import { createTokenManager, type TokenManager, type TokenManagerOptions } from "./manager.js";
import type { TokenRequestSender } from "./token-request.js";

/** Options every generated `createAuth` accepts besides the provider's credentials. */
export type ProviderAuthOptions = Omit<
  TokenManagerOptions,
  "exchange" | "credentials" | "baseUrl" | "send"
>;

/** Picks `baseUrl` (wins) or the named environment's server, with a clear error naming the option to fix. */
export function resolveBaseUrl(
  exchange: TokenExchange,
  options: { environment?: string | undefined; baseUrl?: string | undefined },
): string {
  if (options.baseUrl !== undefined) return options.baseUrl;
  const environments = exchange.environments ?? {};
  const names = Object.keys(environments);
  if (names.length === 0) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `baseUrl is required for ${exchange.provider}: its host is not published; pass createAuth({ baseUrl: "https://…" })`,
    );
  }
  const environment =
    options.environment ?? (names.includes("production") ? "production" : names[0]!);
  const url = environments[environment];
  if (url === undefined) {
    throw new AuthError(
      AuthErrorCode.InvalidOptions,
      `environment "${environment}" is unknown for ${exchange.provider}; use ${names.map((n) => `"${n}"`).join(" or ")}, or pass baseUrl`,
    );
  }
  return url;
}

/**
 * Builds a provider's `createAuth` from its generated data and its typed sender. Generated packages
 * call this once; all behaviour lives here and in the token manager.
 */
export function defineProviderAuth<Options extends object, Raw>(
  exchange: TokenExchange,
  send: TokenRequestSender,
): (options: Options) => TokenManager<Raw> {
  const credentialNames = new Set(exchange.credentials.map((c) => c.name));
  return (options: Options) => {
    if (typeof options !== "object" || options === null) {
      throw new AuthError(
        AuthErrorCode.InvalidOptions,
        `createAuth for ${exchange.provider} needs an options object with its credentials`,
      );
    }
    const credentials: Record<string, string | undefined> = {};
    const rest: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(options)) {
      if (credentialNames.has(name)) credentials[name] = value as string | undefined;
      else if (name !== "environment" && name !== "baseUrl") rest[name] = value;
    }
    const { environment, baseUrl } = options as { environment?: string; baseUrl?: string };
    return createTokenManager<Raw>({
      ...(rest as ProviderAuthOptions),
      exchange,
      credentials,
      baseUrl: resolveBaseUrl(exchange, { environment, baseUrl }),
      send,
    });
  };
}

/** Compile-time assertion used by generated packages: `Expect<X>` fails to type-check unless X is `true`. */
export type Expect<T extends true> = T;
/** Every key of every member of a union. */
export type KeysOfUnion<T> = T extends unknown ? keyof T : never;
