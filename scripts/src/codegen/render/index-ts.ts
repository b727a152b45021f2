import { comment, exportFrom, providerName } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/** The values of `@auth/core` every provider package re-exports. */
export const CORE_VALUES = [
  "authFetch",
  "authMiddleware",
  "AuthError",
  "AuthErrorCode",
  "MemoryTokenStore",
  "onTokenEvent",
  "sharedStore",
];
/** The types of `@auth/core` every provider package re-exports. */
export const CORE_TYPES = [
  "AuthErrorDetails",
  "AuthFetch",
  "AuthMiddleware",
  "AuthMiddlewareOptions",
  "FetchLike",
  "GetTokenOptions",
  "RetryPolicy",
  "TimingPolicy",
  "TokenEvent",
  "TokenEventListener",
  "TokenManager",
  "TokenRequestTrace",
  "TokenSet",
  "TokenStore",
];

/** `src/index.ts`: the package's public face, printed in prettier's style (no re-print needed). */
export function renderIndex(model: ProviderModel): string {
  const types = [
    "TokenResponse",
    ...(model.hasRequestBody ? ["TokenRequestBody"] : []),
    ...(model.queryParameters.length > 0 ? ["TokenRequestQuery"] : []),
    ...(model.errorStatuses.length > 0 ? ["TokenErrorResponses"] : []),
  ];
  return [
    generatedHeader(model.specFile),
    "/**",
    // "@" escaped: a spec's title must not open a doc tag.
    ` * ${comment(`Typed token manager for ${model.title}`).replaceAll("@", "\\@")}: \`createAuth\`, the request and response types of`,
    " * its token endpoint, and everything of `@auth/core` an application uses.",
    " *",
    ` * @module ${comment(model.packageName)}`,
    " */",
    exportFrom("export", ["createAuth"], "./create-auth.gen.js"),
    // What an application types comes from here, so @auth/core never has to be a second direct
    // dependency kept in step by hand. From `@auth/core/provider`, which carries all of
    // `@auth/core`: the package's runtime imports one module of core, one file in Node.
    exportFrom(
      "export",
      [...CORE_VALUES, ...CORE_TYPES.map((name) => `type ${name}`)],
      "@auth/core/provider",
    ),
    exportFrom(
      "export type",
      [
        "CreateAuthOptions",
        `${pascalName(model.id)}Credentials`,
        ...(Object.keys(model.environments).length > 0
          ? [`${pascalName(model.id)}Environment`]
          : []),
        ...(model.variables.length > 0 ? [`${pascalName(model.id)}ServerVariables`] : []),
      ],
      "./create-auth.gen.js",
    ),
    exportFrom("export", ["exchange", "provider"], "./provider.gen.js"),
    exportFrom("export type", types, "./provider.gen.js"),
    exportFrom("export type", ["paths", "components", "operations"], "./schema.gen.js"),
    "",
  ].join("\n");
}

export function pascalName(id: string): string {
  return providerName(id, true);
}
