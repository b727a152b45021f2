import { comment, envVariable, jsdoc, literal, providerName } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";
import { operationType } from "./provider-gen.ts";

/**
 * `src/create-auth.gen.ts`: the provider's typed options, its token request sent through
 * openapi-fetch with the spec's `paths`, and compile-time checks that the exchange data still
 * matches the spec's types. All behaviour is core's `defineProviderAuth`.
 */
export function renderCreateAuth(model: ProviderModel): string {
  const name = providerName(model.id, true);
  const environments = Object.keys(model.environments);
  const checks = typeChecks(model);
  const { callOptions, imports } = typedCall(model);
  // Server variables and templates are resolved by core's withInputs; other packages skip it.
  const inputs =
    model.variables.length > 0 ||
    model.computed.length > 0 ||
    (model.presentation?.template ?? "{token}").replace("{token}", "").includes("{");
  // A minted token is signed here and sent nowhere: core's mintToken is the sender.
  const define = `defineProviderAuth<CreateAuthOptions, TokenResponse>(exchange, ${model.minted ? "mintToken" : "send"})`;
  const coreImports = model.minted
    ? ["defineProviderAuth", "mintToken", "type ProviderAuthOptions"]
    : [
        "captureResponse",
        "defineProviderAuth",
        ...(checks.length > 0 ? ["type Expect", "type KeysOfUnion"] : []),
        "type ProviderAuthOptions",
        "type TokenRequestSender",
        "tokenRequestInit",
      ];
  if (inputs) coreImports.push("withInputs");
  return `${generatedHeader(model.specFile)}
import type { TokenManager } from "@auth/core";
import {
${coreImports.map((name) => `  ${name},`).join("\n")}
} from "@auth/core/provider";
${model.minted ? "" : 'import createClient from "openapi-fetch";\n'}import { exchange, ${imports.map((t) => `type ${t}`).join(", ")} } from "./provider.gen.js";
${model.minted ? "" : 'import type { paths } from "./schema.gen.js";\n'}
${jsdoc(`Credentials for ${model.title}.`).trimEnd()}
export interface ${name}Credentials {
${credentialFields(model)}
}
${variablesInterface(model, name)}${environments.length > 0 ? `\n/** Servers named in ${comment(model.specFile)}. */\nexport type ${name}Environment = ${environments.map((e) => literal(e)).join(" | ")};\n` : ""}
/** Options of \`createAuth\`: credentials, where the provider is, and every \`@auth/core\` option. */
export type CreateAuthOptions = ${name}Credentials & ${model.variables.length > 0 ? `${name}ServerVariables & ` : ""}ProviderAuthOptions & ${locationType(model, name)};

${
  model.minted
    ? ""
    : `${checks.length > 0 ? `// Compile-time checks: regenerating from a spec that no longer matches the exchange data fails here.\n${checks.join("\n")}\n` : ""}
/** Sends the token request through openapi-fetch with the spec's types; core reads the raw Response. */
${model.refresh ? sendWithRefresh(model, callOptions) : plainSend(model, callOptions)}

`
}/**
 * Creates a token manager for ${comment(model.title)}: cached tokens, renewed ahead of expiry, one request for
 * concurrent callers, credentials failures never retried.
 *
 * @example
 * import { createAuth } from "${model.packageName}";
 * const auth = createAuth({ ${exampleOptions(model)} });
 * const header = await auth.getAuthorizationHeader();
 */
export const createAuth: (options: CreateAuthOptions) => TokenManager<TokenResponse> = ${inputs ? `withInputs(exchange, ${define})` : define};
`;
}

/** The sender: the token request through its typed openapi-fetch call. */
function plainSend(model: ProviderModel, callOptions: string): string {
  return `const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  await createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch }).${model.method.toUpperCase()}(${literal(model.tokenPath)}, ${callOptions});
  return capture.response();
};`;
}

/** The sender of a provider whose refresh is its own operation: each request to its typed call. */
function sendWithRefresh(model: ProviderModel, callOptions: string): string {
  const refresh = model.refresh!;
  const params =
    refresh.headerParameters.length > 0
      ? `, params: { header: request.headers as unknown as NonNullable<paths[${literal(refresh.path)}]["post"]["parameters"]["header"]> }`
      : "";
  return `const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  const client = createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch });
  if (request.path === ${literal(refresh.path)})
    await client.POST(${literal(refresh.path)}, { ...tokenRequestInit(request), body: request.form as TokenRefreshBody${params} });
  else await client.${model.method.toUpperCase()}(${literal(model.tokenPath)}, ${callOptions});
  return capture.response();
};`;
}

/** One typed, documented field per credential. */
function credentialFields(model: ProviderModel): string {
  return model.credentials
    .map(
      (c) =>
        `${jsdoc(c.description + (c.secret ? " Secret: never logged." : ""), "  ")}  ${c.name}${c.required ? "" : "?"}: string;`,
    )
    .join("\n");
}

/**
 * The servers' `{variables}` as typed options: an `enum` becomes a union and makes the option
 * optional (its default); a free-form one (a tenant id) is required.
 */
function variablesInterface(model: ProviderModel, name: string): string {
  if (model.variables.length === 0) return "";
  const fields = model.variables.map((v) => {
    const where = {
      label: "a host label",
      host: "the host",
      port: "the port",
      path: "a path segment",
    }[v.in];
    const value =
      v.default !== undefined ? `; default \`${v.default}\`` : `, for example \`${v.example}\``;
    const doc = `${v.description ? v.description.replace(/\.?$/, ". ") : ""}Goes into ${where} of the server URL${value}.`;
    const type = v.enum ? v.enum.map((e) => literal(e)).join(" | ") : "string";
    return `${jsdoc(doc, "  ")}  ${v.name}${v.default !== undefined ? "?" : ""}: ${type};`;
  });
  return `\n/** The server URL's variables (${comment(model.specFile)}): checked before they are put into it. */\nexport interface ${name}ServerVariables {\n${fields.join("\n")}\n}\n`;
}

/** Where the provider is: a named environment of the spec, or a base URL when it names none. */
function locationType(model: ProviderModel, name: string): string {
  const environments = Object.keys(model.environments);
  return environments.length === 0
    ? `{
  /** Base URL of the provider's API (required: the host is not published). https, or http on loopback. */
  baseUrl: string;
}`
    : `{
  /** Which server of the spec to use (default \`${environments.includes("production") ? "production" : environments[0]}\`). */
  environment?: ${name}Environment;
  /** Overrides \`environment\` with another base URL. https, or http on loopback. */
  baseUrl?: string;
}`;
}

/**
 * Compile-time checks: every field the exchange data writes into the body and the query string,
 * and every response field it reads, must exist in the spec's generated types, and each grant
 * must be a value the spec allows — or the package fails to compile.
 */
function typeChecks(model: ProviderModel): string[] {
  const bodyFields = new Set<string>();
  const queryFields = new Set<string>();
  const params = model.paramsIn === "query" ? queryFields : bodyFields;
  if (model.grant !== undefined) params.add(model.grantField);
  if (model.refreshGrant !== undefined && !model.refresh) params.add("refresh_token");
  if (model.scopeField !== undefined) params.add(model.scopeField);
  for (const c of model.credentials) {
    if (c.in === "body") bodyFields.add(c.field);
    // A query credential may be an apiKey-in-query scheme rather than a declared parameter.
    if (c.in === "query" && model.queryParameters.includes(c.field)) queryFields.add(c.field);
  }
  for (const c of model.constants) {
    if (c.in === "body") bodyFields.add(c.name);
    if (c.in === "query") queryFields.add(c.name);
  }
  for (const c of model.computed) {
    if (c.in === "body") bodyFields.add(c.target);
    if (c.in === "query") queryFields.add(c.target);
  }
  const topLevel = (field: string | undefined) =>
    field === undefined ? undefined : field.startsWith("/") ? undefined : field;
  const responseFields = [
    // A token from the text body or a header is no field of the JSON body.
    model.tokenFrom ? undefined : model.response.accessToken,
    model.response.tokenType,
    model.response.refreshToken,
    model.response.scope,
    model.expiry?.field,
  ]
    .map(topLevel)
    .filter((f): f is string => f !== undefined);
  const union = (fields: Iterable<string>) => [...fields].map((f) => literal(f)).join(" | ");

  const checks: string[] = [];
  if (responseFields.length > 0)
    checks.push(
      `type _ResponseFieldsExist = Expect<Exclude<${union(responseFields)}, KeysOfUnion<TokenResponse>> extends never ? true : false>;`,
    );
  if (model.hasRequestBody && bodyFields.size > 0) {
    checks.push(
      `type _BodyFieldsExist = Expect<Exclude<${union(bodyFields)}, KeysOfUnion<TokenRequestBody>> extends never ? true : false>;`,
    );
  }
  if (queryFields.size > 0) {
    checks.push(
      `type _QueryFieldsExist = Expect<Exclude<${union(queryFields)}, KeysOfUnion<TokenRequestQuery>> extends never ? true : false>;`,
    );
  }
  if (model.refresh) {
    const refresh = model.refresh;
    const fields = new Set([
      refresh.refreshTokenField,
      ...(refresh.scopeField ? [refresh.scopeField] : []),
      ...(refresh.grantField ? [refresh.grantField] : []),
      ...refresh.credentials.flatMap((c) => (c.in === "body" ? [c.field] : [])),
      ...refresh.constants.flatMap((c) => (c.in === "body" ? [c.name] : [])),
    ]);
    checks.push(
      `type _RefreshFieldsExist = Expect<Exclude<${union(fields)}, KeysOfUnion<TokenRefreshBody>> extends never ? true : false>;`,
    );
    if (refresh.grantField && model.refreshGrant !== undefined)
      checks.push(
        `type _RefreshGrantAllowed = Expect<${literal(model.refreshGrant)} extends TokenRefreshBody[${literal(refresh.grantField)}] ? true : false>;`,
      );
  }
  // Named by position, never from the value: a grant is a URI as often as a word.
  [model.grant, model.refresh ? undefined : model.refreshGrant].forEach((grant, index) => {
    if (grant === undefined) return;
    const holder = model.paramsIn === "query" ? "TokenRequestQuery" : "TokenRequestBody";
    if (model.paramsIn === "body" && !model.hasRequestBody) return;
    checks.push(
      `type _${index === 0 ? "Grant" : "RefreshGrant"}Allowed = Expect<${literal(grant)} extends ${holder}[${literal(model.grantField)}] ? true : false>;`,
    );
  });
  return checks;
}

/** The typed openapi-fetch call: the spec's method, its query parameters and body. */
function typedCall(model: ProviderModel): { callOptions: string; imports: string[] } {
  const operation = operationType(model);
  const paramParts: string[] = [];
  if (model.queryParameters.length > 0)
    paramParts.push("query: (request.query ?? {}) as TokenRequestQuery");
  if (model.headerParameters.length > 0)
    paramParts.push(
      `header: request.headers as unknown as NonNullable<${operation}["parameters"]["header"]>`,
    );
  const initParts = ["...tokenRequestInit(request)"];
  if (paramParts.length > 0) initParts.push(`params: { ${paramParts.join(", ")} }`);
  if (model.hasRequestBody) initParts.push("body: request.form as TokenRequestBody");
  return {
    callOptions:
      initParts.length === 1 ? "tokenRequestInit(request)" : `{ ${initParts.join(", ")} }`,
    imports: [
      "TokenResponse",
      ...(model.hasRequestBody ? ["TokenRequestBody"] : []),
      ...(model.queryParameters.length > 0 ? ["TokenRequestQuery"] : []),
      ...(model.refresh ? ["TokenRefreshBody"] : []),
    ],
  };
}

/** The `@example`'s options: credentials from the environment, and where the provider is. */
function exampleOptions(model: ProviderModel): string {
  const environments = Object.keys(model.environments);
  const credentials = model.credentials
    .map((c) => `${c.name}: process.env.${envVariable(model.id, c.name)}!`)
    .join(", ");
  const variables = model.variables
    .filter((v) => v.default === undefined)
    .map((v) => `, ${v.name}: ${literal(v.example)}`)
    .join("");
  const location =
    environments.length === 0
      ? `baseUrl: "https://your-host.example"`
      : `environment: ${literal(environments.includes("sandbox") ? "sandbox" : environments[0])}`;
  return `${credentials}${variables}, ${location}`;
}
