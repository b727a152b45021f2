import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/** `src/index.ts`: the package's public face. */
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
    `export { exchange, provider } from "./provider.gen.js";`,
    `export type { ${types.join(", ")} } from "./provider.gen.js";`,
    `export type { paths, components, operations } from "./schema.gen.js";`,
    "",
  ].join("\n");
}

export function pascalName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}
