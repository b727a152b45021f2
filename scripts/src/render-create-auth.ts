import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "./model.ts";

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

function doc(text: string, indent = ""): string {
  if (!text) return "";
  return `${indent}/** ${text.replace(/\s+/g, " ").replaceAll("*/", "*\\/")} */\n`;
}

/**
 * `createAuth`: the provider's typed options, its token request sent through openapi-fetch with the
 * spec's `paths`, and compile-time checks that the exchange data still matches the spec's types.
 * All behaviour is core's `defineProviderAuth`.
 */
export function renderCreateAuth(model: ProviderModel): string {
  const name = pascal(model.id);
  const environments = Object.keys(model.environments);
  const credentialFields = model.credentials
    .map(
      (c) =>
        `${doc(c.description + (c.secret ? " Secret: never logged." : ""), "  ")}  ${c.name}${c.required ? "" : "?"}: string;`,
    )
    .join("\n");
  const locationType =
    environments.length === 0
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

  const formFields = new Set<string>();
  if (model.grant !== undefined) formFields.add("grant_type");
  for (const c of model.credentials) if (c.in === "body") formFields.add(c.field);
  if (model.refreshGrant !== undefined) formFields.add("refresh_token");
  if (model.scopeField !== undefined) formFields.add(model.scopeField);
  const responseFields = [
    model.response.accessToken,
    model.response.tokenType,
    model.response.refreshToken,
    model.response.scope,
    model.expiry?.field,
  ].filter((f): f is string => f !== undefined);

  const checks = [
    `type _ResponseFieldsExist = Expect<Exclude<${responseFields.map((f) => JSON.stringify(f)).join(" | ")}, KeysOfUnion<TokenResponse>> extends never ? true : false>;`,
  ];
  if (model.hasRequestBody) {
    checks.push(
      `type _FormFieldsExist = Expect<Exclude<${[...formFields].map((f) => JSON.stringify(f)).join(" | ")}, KeysOfUnion<TokenRequestBody>> extends never ? true : false>;`,
    );
    for (const grant of [model.grant, model.refreshGrant]) {
      if (grant !== undefined) {
        checks.push(
          `type _Grant${pascal(grant.replaceAll("_", "-"))}Allowed = Expect<${JSON.stringify(grant)} extends TokenRequestBody["grant_type"] ? true : false>;`,
        );
      }
    }
  }

  const postOptions = model.hasRequestBody
    ? "{ ...tokenRequestInit(request), body: request.form as TokenRequestBody }"
    : "tokenRequestInit(request)";

  const exampleCredentials = model.credentials
    .map(
      (c) =>
        `${c.name}: process.env.${`${model.id}_${c.name.replace(/[A-Z]/g, (x) => "_" + x)}`.toUpperCase().replaceAll("-", "_")}!`,
    )
    .join(", ");
  const exampleLocation =
    environments.length === 0
      ? `baseUrl: "https://your-host.example"`
      : `environment: "${environments.includes("sandbox") ? "sandbox" : environments[0]}"`;

  return `${generatedHeader(model.specFile)}
import {
  captureResponse,
  defineProviderAuth,
  type Expect,
  type KeysOfUnion,
  type ProviderAuthOptions,
  type TokenManager,
  type TokenRequestSender,
  tokenRequestInit,
} from "@auth/core";
import createClient from "openapi-fetch";
import { provider, type TokenResponse${model.hasRequestBody ? ", type TokenRequestBody" : ""} } from "./provider.gen.js";
import type { paths } from "./schema.gen.js";

/** Credentials for ${model.title}. */
export interface ${name}Credentials {
${credentialFields}
}
${environments.length > 0 ? `\n/** Servers named in ${model.specFile}. */\nexport type ${name}Environment = ${environments.map((e) => JSON.stringify(e)).join(" | ")};\n` : ""}
/** Options of \`createAuth\`: credentials, where the provider is, and every \`@auth/core\` option. */
export type CreateAuthOptions = ${name}Credentials & ProviderAuthOptions & ${locationType};

// Compile-time checks: regenerating from a spec that no longer matches the exchange data fails here.
${checks.join("\n")}

/** Sends the token request through openapi-fetch with the spec's types; core reads the raw Response. */
const send: TokenRequestSender = async (request, fetch) => {
  const capture = captureResponse(fetch);
  await createClient<paths>({ baseUrl: request.baseUrl, fetch: capture.fetch }).POST(${JSON.stringify(model.tokenPath)}, ${postOptions});
  return capture.response();
};

/**
 * Creates a token manager for ${model.title}: cached tokens, renewed ahead of expiry, one request for
 * concurrent callers, credentials failures never retried.
 *
 * @example
 * import { createAuth } from "${model.packageName}";
 * const auth = createAuth({ ${exampleCredentials}, ${exampleLocation} });
 * const header = await auth.getAuthorizationHeader();
 */
export const createAuth: (options: CreateAuthOptions) => TokenManager<TokenResponse> = defineProviderAuth<CreateAuthOptions, TokenResponse>(provider, send);
`;
}
