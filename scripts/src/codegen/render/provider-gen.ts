import { comment, jsdoc, literal } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/** `src/provider.gen.ts`: the exchange data `@auth/core` consumes, and the response types. */
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
    ...(model.variables.length > 0
      ? {
          variables: model.variables.map(
            ({ description: _d, example: _e, ...variable }) => variable,
          ),
        }
      : {}),
    credentials: [
      ...model.credentials.map(({ description: _description, ...rest }) => rest),
      ...model.computed.map((c) => ({
        name: c.name,
        secret: c.secret,
        required: true,
        ...(c.in === "header"
          ? { in: c.in, header: c.target }
          : c.in === "none"
            ? { in: c.in }
            : { in: c.in, field: c.target }),
        template: c.template,
      })),
    ],
    ...optional("grant", model.grant),
    ...optional("refreshGrant", model.refreshGrant),
    ...optional("refresh", model.refresh && refreshOf(model)),
    ...optional("scopeField", model.scopeField),
    ...(model.computedValues.length > 0 ? { computed: model.computedValues } : {}),
    ...(model.assertion
      ? {
          assertion: {
            use: model.assertion.use,
            alg: model.assertion.alg,
            key: model.assertion.key,
            claims: model.assertion.claims,
            ...(model.assertion.kid !== undefined ? { kid: model.assertion.kid } : {}),
            lifetimeSeconds: model.assertion.lifetimeSeconds,
          },
        }
      : {}),
    ...(model.constants.length > 0 ? { constants: model.constants } : {}),
    response: model.response,
    ...optional("expiry", model.expiry),
    ...optional("failures", model.failures),
    ...optional("presentation", model.presentation),
    ...optional("lockoutAfter", model.lockoutAfter),
  };
}

/**
 * Core's `RefreshRequest`: the refresh operation's path and body, its credentials in the order of
 * the exchange's (those it does not send, computed template values included, as `in: "none"`).
 */
function refreshOf(model: ProviderModel) {
  const refresh = model.refresh!;
  const placed = new Map(refresh.credentials.map((c) => [c.name, c]));
  return {
    tokenPath: refresh.path,
    ...(refresh.bodyEncoding === model.bodyEncoding ? {} : { bodyEncoding: refresh.bodyEncoding }),
    ...(model.paramsIn === "body" ? {} : { paramsIn: "body" }),
    ...(refresh.grantField === undefined || refresh.grantField === model.grantField
      ? {}
      : { grantField: refresh.grantField }),
    ...(refresh.refreshTokenField === "refresh_token"
      ? {}
      : { refreshTokenField: refresh.refreshTokenField }),
    ...(refresh.scopeField === undefined ? {} : { scopeField: refresh.scopeField }),
    ...(refresh.constants.length > 0 ? { constants: refresh.constants } : {}),
    credentials: [
      ...model.credentials.map(({ name, secret, required }) => {
        const { description: _d, ...found } = placed.get(name) ?? {
          name,
          secret,
          required,
          in: "none" as const,
          description: "",
        };
        return found;
      }),
      ...model.computed.map((c) => ({
        name: c.name,
        secret: c.secret,
        required: true,
        in: "none" as const,
      })),
    ],
  };
}

/** The reader `@auth/core/provider` exports for each expiry kind that is text, not a number. */
const TEXT_EXPIRY_READERS: Record<string, string> = {
  "absolute-iso8601": "isoDateTimeExpiry",
  "relative-duration": "isoDurationExpiry",
};

/** `paths["/oauth/token"]["post"]`: the token operation's generated types. */
export function operationType(model: ProviderModel): string {
  return `paths[${literal(model.tokenPath)}][${literal(model.method)}]`;
}

/** The provider's token-exchange data for `@auth/core`, plus the response types taken from the spec. */
export function renderProvider(model: ProviderModel): string {
  const exchange = exchangeOf(model);
  const operation = operationType(model);
  // A text expiry needs its reader from core; only packages whose spec uses one import it.
  const reader = model.expiry ? TEXT_EXPIRY_READERS[model.expiry.kind] : undefined;
  const doc = jsdoc(
    `How ${model.title} exchanges credentials for a token (from \`x-token-exchange\` in ${model.specFile}).`,
  ).trimEnd();
  // Functions from core, imported only by packages whose spec needs them.
  const functions: string[] = [];
  if (reader) functions.push(`expiry: { ...data.expiry, read: ${reader} }`);
  if (model.assertion) functions.push("prepare: signAssertion");
  if (model.computedValues.length > 0) functions.push("prepare: computeValues");
  const tokenReader =
    model.tokenFrom?.from === "body"
      ? "textToken"
      : model.tokenFrom?.from === "header"
        ? `headerToken(${literal(model.tokenFrom.header)})`
        : undefined;
  if (tokenReader) functions.push(`response: { ...data.response, read: ${tokenReader} }`);
  const imports = [
    ...(reader ? [reader] : []),
    ...(model.assertion ? ["signAssertion"] : []),
    ...(model.computedValues.length > 0 ? ["computeValues"] : []),
    ...(model.tokenFrom ? [model.tokenFrom.from === "body" ? "textToken" : "headerToken"] : []),
  ];
  const declaration =
    functions.length > 0
      ? [
          `const data = ${literal(exchange, 2)} as const;`,
          "",
          doc,
          `export const exchange = { ...data, ${functions.join(", ")} } as const satisfies TokenExchange;`,
        ]
      : [doc, `export const exchange = ${literal(exchange, 2)} as const satisfies TokenExchange;`];
  const lines = [
    generatedHeader(model.specFile),
    'import type { TokenExchange } from "@auth/core";',
    ...(imports.length > 0 ? [`import { ${imports.join(", ")} } from "@auth/core/provider";`] : []),
    ...(model.minted ? [] : ['import type { paths } from "./schema.gen.js";']),
    "",
    ...declaration,
    "",
    "/** @deprecated Renamed \`exchange\`: the name the spec (\`x-token-exchange\`) and `@auth/core` use. */",
    "export const provider = exchange;",
    "",
    model.minted
      ? "/** The token as core reads it from `mintToken`: the JWT this client signed (`token`). */"
      : model.tokenFrom
        ? `/** A successful token response as core reads it: ${model.tokenFrom.from === "body" ? "the text body is the token (\`body:text\`)" : `the JSON body, and the token from the ${comment(model.tokenFrom.header)} header`}. */`
        : `/** Body of a successful token response, as the spec's 200 response describes it. */`,
    model.minted
      ? `export type TokenResponse = { readonly token: string };`
      : model.tokenFrom?.from === "body"
        ? `export type TokenResponse = { readonly "body:text": string };`
        : model.tokenFrom?.from === "header"
          ? `export type TokenResponse = ${operation}["responses"][200]["content"][${literal(model.okMediaType)}] & { readonly ${literal(`header:${model.tokenFrom.header.toLowerCase()}`)}: string };`
          : `export type TokenResponse = ${operation}["responses"][200]["content"][${literal(model.okMediaType)}];`,
    "",
  ];
  if (model.hasRequestBody) {
    lines.push(
      `/** ${model.bodyEncoding === "json" ? "JSON" : "Form"} body of the token request, as the spec describes it. */`,
      `export type TokenRequestBody = NonNullable<${operation}["requestBody"]>["content"][${literal(model.bodyMediaType)}];`,
      "",
    );
  }
  if (model.refresh) {
    lines.push(
      `/** ${model.refresh.bodyEncoding === "json" ? "JSON" : "Form"} body of the refresh request (${comment(`POST ${model.refresh.path}`)}), as the spec describes it. */`,
      `export type TokenRefreshBody = NonNullable<paths[${literal(model.refresh.path)}]["post"]["requestBody"]>["content"][${literal(model.refresh.bodyMediaType)}];`,
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
