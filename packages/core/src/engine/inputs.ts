import { AuthError, AuthErrorCode } from "../contract/errors.js";
import type { ServerVariable, TokenExchange } from "../contract/exchange.js";
import { resolveBaseUrl, TENANT_EXCHANGE } from "./provider-auth.js";

/**
 * What a server variable's value may be, by where it sits in the URL. Nothing here can end a host
 * label, the host, the port or a path segment early: no `/`, `@`, `:`, `?`, `#`, `%`, whitespace,
 * and no `.` where the spec has one label.
 */
const SHAPES: Record<ServerVariable["in"], [RegExp, string]> = {
  label: [/^[A-Za-z0-9-]{1,63}$/, "one DNS label: letters, digits and dashes"],
  host: [/^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63}){0,20}$/, "a host name: DNS labels and dots"],
  port: [/^[0-9]{1,5}$/, "a port number"],
  path: [/^(?!\.\.?$)[A-Za-z0-9._~-]{1,200}$/, "one path segment: letters, digits and -._~"],
};

const invalid = (message: string) => new AuthError(AuthErrorCode.InvalidOptions, message);

/** Each provider's per-tenant copies, by filled presentation template. */
const tenantCopies = new WeakMap<TokenExchange, Map<string, TokenExchange>>();

/** `{name}` in a server URL. */
const PLACEHOLDER = /\{([^{}]*)\}/g;
/** `{name}` or `{name=default}` in a template. */
const TEMPLATE = /\{([^{}=]*)(?:=([^{}]*))?\}/g;

/**
 * A server variable's value: the option, or the spec's default; checked against its enum, its
 * pattern and the shape of where it sits. The error names the option and the rule, never the value.
 */
function variableValue(provider: string, variable: ServerVariable, given: unknown): string {
  const { name } = variable;
  const value = given ?? variable.default;
  if (value === undefined)
    throw invalid(
      `${name} is required for ${provider}: it is part of the provider's host; pass createAuth({ ${name}: … })`,
    );
  const [shape, described] = SHAPES[variable.in];
  if (typeof value !== "string" || !shape.test(value))
    throw invalid(`${name} must be ${described} (it is put into ${provider}'s URL)`);
  if (variable.enum && !variable.enum.includes(value))
    throw invalid(`${name} must be one of ${variable.enum.map((v) => `"${v}"`).join(", ")}`);
  if (variable.pattern !== undefined && !new RegExp(`^(?:${variable.pattern})$`, "u").test(value))
    throw invalid(`${name} does not match the pattern the spec gives for it`);
  return value;
}

/**
 * Turns the options a caller passes into the options the token manager takes: server variables
 * checked and put into the environment's URL (unless `baseUrl` is given), and every templated
 * credential (`urn:acme:{accountId}`) built from them and the other credentials. A value is
 * checked before it is used, so host injection is an `invalid_options` error and nothing is sent.
 */
export function resolveInputs<Options>(exchange: TokenExchange, options: Options): Options {
  // Not an object: defineProviderAuth says so.
  if (typeof options !== "object" || options === null) return options;
  const given = options as Record<string, unknown>;
  const own = (name: string) => (Object.hasOwn(given, name) ? given[name] : undefined);
  const resolved: Record<string | symbol, unknown> = { ...given };
  const values: Record<string, string> = Object.create(null);
  for (const variable of exchange.variables ?? []) {
    values[variable.name] = variableValue(exchange.provider, variable, own(variable.name));
    delete resolved[variable.name];
  }
  if (own("baseUrl") === undefined && exchange.variables?.length) {
    const template = resolveBaseUrl(exchange, resolved);
    const url = template.replace(PLACEHOLDER, (_, name: string) => values[name] ?? "");
    // The shapes make this hold by construction; checked anyway, as the last line before a host.
    const hostname = url
      .replace(/^[a-z]+:\/\//i, "")
      .split("/")[0]!
      .replace(/:\d*$/, "");
    let parsed: string | undefined;
    try {
      parsed = new URL(url).hostname;
    } catch {
      // reported below
    }
    if (parsed !== hostname.toLowerCase())
      throw invalid(`the server variables do not make a valid URL for ${exchange.provider}`);
    resolved.baseUrl = url;
  }
  for (const credential of exchange.credentials) {
    if (credential.template === undefined) continue;
    // `{name}`, or `{name=text}`: the text when the option is left out.
    resolved[credential.name] = fill(
      credential.template,
      exchange.provider,
      (name) => values[name] ?? own(name),
    );
  }
  // A presentation built from options (`{companyId}:{token}`): the tenant gets its own copy of
  // the exchange with it filled in (and so its own engine), one per distinct value.
  const presentation = exchange.presentation;
  if (presentation?.template?.replace("{token}", "").includes("{")) {
    const template = fill(
      presentation.template,
      exchange.provider,
      (name) => values[name] ?? own(name),
      "token",
    );
    if (!/^[\x20-\x7e]*$/.test(template))
      throw invalid(
        `the ${exchange.provider} token header is built from a value HTTP cannot carry; check the options`,
      );
    const copies = tenantCopies.get(exchange) ?? new Map<string, TokenExchange>();
    tenantCopies.set(exchange, copies);
    let copy = copies.get(template);
    if (copy === undefined) {
      copy = { ...exchange, presentation: { ...presentation, template } };
      copies.set(template, copy);
    }
    resolved[TENANT_EXCHANGE] = copy;
  }
  return resolved as Options;
}

/** Fills a template's `{name}`s (and `{name=default}`s) from variables and options. */
function fill(
  template: string,
  provider: string,
  lookup: (name: string) => unknown,
  keep?: string,
): string {
  return template.replace(TEMPLATE, (whole, name: string, fallback?: string) => {
    if (name === keep) return whole;
    const given = lookup(name);
    const value = given === undefined || given === "" ? fallback : given;
    if (typeof value !== "string" || (value === "" && fallback === undefined))
      throw invalid(
        `${name} is required for ${provider}: the request is built from it; pass createAuth({ ${name}: … })`,
      );
    return value;
  });
}

/**
 * Wraps a provider's `createAuth` so server variables and templated values are resolved first.
 * Generated packages whose spec has neither never import this.
 *
 * @example
 * export const createAuth = withInputs(exchange, defineProviderAuth(exchange, send));
 */
export function withInputs<Options, Result>(
  exchange: TokenExchange,
  create: (options: Options) => Result,
): (options: Options) => Result {
  return (options) => create(resolveInputs(exchange, options));
}
