import openapiTS, { astToString } from "openapi-typescript";
import { jsdoc, literal } from "./emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "./model.ts";

/** openapi-typescript types (`paths`, `components`, `operations`) for the whole spec. */
export async function renderSchemaTypes(model: ProviderModel): Promise<string> {
  const ast = await openapiTS(
    structuredClone(model.document) as unknown as Parameters<typeof openapiTS>[0],
    {
      exportType: false,
      alphabetize: false,
    },
  );
  return generatedHeader(model.specFile) + astToString(ast);
}

/** The `TokenExchange` data `@auth/core` consumes, from the model: only what differs from core's defaults. */
export function exchangeOf(model: ProviderModel) {
  const optional = <T>(key: string, value: T | undefined, unless?: T) =>
    value === undefined || value === unless ? {} : { [key]: value };
  return {
    provider: model.id,
    tokenPath: model.tokenPath,
    ...optional("method", model.method.toUpperCase(), "POST"),
    ...optional("bodyEncoding", model.bodyEncoding, "form"),
    ...optional("paramsIn", model.paramsIn, "body"),
    ...optional("grantField", model.grantField, "grant_type"),
    ...(Object.keys(model.environments).length > 0 ? { environments: model.environments } : {}),
    credentials: model.credentials.map(({ description: _description, ...rest }) => rest),
    ...optional("grant", model.grant),
    ...optional("refreshGrant", model.refreshGrant),
    ...optional("scopeField", model.scopeField),
    ...(model.constants.length > 0 ? { constants: model.constants } : {}),
    response: model.response,
    ...optional("expiry", model.expiry),
    ...optional("failures", model.failures),
    ...optional("presentation", model.presentation),
    ...optional("lockoutAfter", model.lockoutAfter),
  };
}

/** `paths["/oauth/token"]["post"]`: the token operation's generated types. */
export function operationType(model: ProviderModel): string {
  return `paths[${literal(model.tokenPath)}][${literal(model.method)}]`;
}

/** The provider's token-exchange data for `@auth/core`, plus the response types taken from the spec. */
export function renderProvider(model: ProviderModel): string {
  const exchange = exchangeOf(model);
  const operation = operationType(model);
  const lines = [
    generatedHeader(model.specFile),
    'import type { TokenExchange } from "@auth/core";',
    'import type { paths } from "./schema.gen.js";',
    "",
    jsdoc(
      `How ${model.title} exchanges credentials for a token (from \`x-token-exchange\` in ${model.specFile}).`,
    ).trimEnd(),
    `export const provider = ${literal(exchange, 2)} as const satisfies TokenExchange;`,
    "",
    `/** Body of a successful token response, as the spec's 200 response describes it. */`,
    `export type TokenResponse = ${operation}["responses"][200]["content"][${literal(model.okMediaType)}];`,
    "",
  ];
  if (model.hasRequestBody) {
    lines.push(
      `/** ${model.bodyEncoding === "json" ? "JSON" : "Form"} body of the token request, as the spec describes it. */`,
      `export type TokenRequestBody = NonNullable<${operation}["requestBody"]>["content"][${literal(model.bodyMediaType)}];`,
      "",
    );
  }
  if (model.queryParameters.length > 0) {
    lines.push(
      "/** Query parameters of the token request, as the spec describes them. */",
      `export type TokenRequestQuery = NonNullable<${operation}["parameters"]["query"]>;`,
      "",
    );
  }
  const errorStatuses = model.errorStatuses.filter((s) => s !== "default");
  if (errorStatuses.length > 0) {
    lines.push(
      "/** Error bodies the spec documents for the token operation, by status. */",
      "export interface TokenErrorResponses {",
      ...errorStatuses.map(
        (status) =>
          `  ${status}: ${operation}["responses"][${status}] extends { content: { "application/json": infer Body } } ? Body : unknown;`,
      ),
      "}",
      "",
    );
  }
  return lines.join("\n");
}

export function renderIndex(model: ProviderModel): string {
  const types = [
    "TokenResponse",
    ...(model.hasRequestBody ? ["TokenRequestBody"] : []),
    ...(model.queryParameters.length > 0 ? ["TokenRequestQuery"] : []),
    ...(model.errorStatuses.length > 0 ? ["TokenErrorResponses"] : []),
  ];
  return [
    generatedHeader(model.specFile),
    `export { createAuth } from "./create-auth.gen.js";`,
    `export { authMiddleware, AuthError, onTokenEvent, type AuthMiddleware, type TokenEvent } from "@auth/core";`,
    `export type { CreateAuthOptions, ${pascalName(model.id)}Credentials${Object.keys(model.environments).length > 0 ? `, ${pascalName(model.id)}Environment` : ""} } from "./create-auth.gen.js";`,
    `export { provider } from "./provider.gen.js";`,
    `export type { ${types.join(", ")} } from "./provider.gen.js";`,
    `export type { paths, components, operations } from "./schema.gen.js";`,
    "",
  ].join("\n");
}

function pascalName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

/** Every provider's exchange data and spec document, for `@auth/sandbox` to emulate. */
export function renderSandboxProviders(models: readonly ProviderModel[]): string {
  const entries = models.map((model) => ({
    id: model.id,
    title: model.title,
    specFile: model.specFile,
    exchange: exchangeOf(model),
    document: model.document,
  }));
  return [
    generatedHeader("specs/*.yaml"),
    'import type { SandboxProvider } from "./types.js";',
    "",
    "/** Demo credentials of each provider, by option name: spread them into its `createAuth`. */",
    "export interface SandboxCredentials {",
    ...models.map(
      (m) => `  ${literal(m.id)}: { ${m.credentials.map((c) => `${c.name}: string;`).join(" ")} };`,
    ),
    "}",
    "",
    "/** Ids of the emulated providers. */",
    "export type ProviderId = keyof SandboxCredentials;",
    "",
    "/** Every provider in specs/, emulated by the sandbox. */",
    "// Data, not code: printed as JSON (literal()), so prettier need not re-print it.",
    "// prettier-ignore",
    `export const providers: readonly SandboxProvider[] = ${literal(entries, 2)};`,
    "",
  ].join("\n");
}
