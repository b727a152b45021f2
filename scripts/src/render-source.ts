import openapiTS, { astToString } from "openapi-typescript";
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

/** The `TokenExchange` data `@auth/core` consumes, from the model. */
export function exchangeOf(model: ProviderModel) {
  return {
    provider: model.id,
    tokenPath: model.tokenPath,
    ...(Object.keys(model.environments).length > 0 ? { environments: model.environments } : {}),
    credentials: model.credentials.map(({ description: _description, ...rest }) => rest),
    ...(model.grant !== undefined ? { grant: model.grant } : {}),
    ...(model.refreshGrant !== undefined ? { refreshGrant: model.refreshGrant } : {}),
    ...(model.scopeField !== undefined ? { scopeField: model.scopeField } : {}),
    response: model.response,
    ...(model.expiry !== undefined ? { expiry: model.expiry } : {}),
    ...(model.lockoutAfter !== undefined ? { lockoutAfter: model.lockoutAfter } : {}),
  };
}

/** The provider's token-exchange data for `@auth/core`, plus the response types taken from the spec. */
export function renderProvider(model: ProviderModel): string {
  const exchange = exchangeOf(model);
  const operation = `operations[${JSON.stringify(model.operationId)}]`;
  const lines = [
    generatedHeader(model.specFile),
    'import type { TokenExchange } from "@auth/core";',
    'import type { operations } from "./schema.gen.js";',
    "",
    `/** How ${model.title} exchanges credentials for a token (from \`x-token-exchange\` in ${model.specFile}). */`,
    `export const provider = ${JSON.stringify(exchange, null, 2)} as const satisfies TokenExchange;`,
    "",
    `/** Body of a successful token response, as the spec's 200 response describes it. */`,
    `export type TokenResponse = ${operation}["responses"][200]["content"]["application/json"];`,
    "",
  ];
  if (model.hasRequestBody) {
    lines.push(
      "/** Form body of the token request, as the spec describes it. */",
      `export type TokenRequestBody = NonNullable<${operation}["requestBody"]>["content"]["application/x-www-form-urlencoded"];`,
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
    ...(model.errorStatuses.length > 0 ? ["TokenErrorResponses"] : []),
  ];
  return [
    generatedHeader(model.specFile),
    `export { createAuth } from "./create-auth.gen.js";`,
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
      (m) =>
        `  ${JSON.stringify(m.id)}: { ${m.credentials.map((c) => `${c.name}: string;`).join(" ")} };`,
    ),
    "}",
    "",
    "/** Ids of the emulated providers. */",
    "export type ProviderId = keyof SandboxCredentials;",
    "",
    "/** Every provider in specs/, emulated by the sandbox. */",
    "// Data, not code: printed by JSON.stringify, so prettier need not re-print it.",
    "// prettier-ignore",
    `export const providers: readonly SandboxProvider[] = ${JSON.stringify(entries, null, 2)};`,
    "",
  ].join("\n");
}
