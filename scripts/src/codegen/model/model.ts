import { PROTOTYPE_NAMES } from "../emit.ts";
import { isObject, type JsonObject, type LoadedSpec } from "../load-spec.ts";
import { checkKeys, IDENTIFIER, type ModelContext, TEMPLATE_PLACEHOLDER } from "./context.ts";
import { readRequest, type RequestModel } from "./request.ts";
import { readPresentation, readResponse, type ResponseModel } from "./response.ts";
import { readAssertion } from "./assertion.ts";
import { type CredentialModel, readCredentials } from "./credentials.ts";
import type { RequestSpec } from "./operation.ts";
import { pointer, type Problem } from "../problems.ts";
import { readServerVariables, type ServerVariableModel } from "./servers.ts";
import { readRefresh, type RefreshModel } from "./refresh.ts";

export type { CredentialModel } from "./request.ts";
export type { ServerVariableModel } from "./servers.ts";

/**
 * A request value `createAuth` builds from a template (a constant with `{name}` placeholders): sent
 * where the constant goes, secret when a secret credential is part of it.
 */
export interface ComputedModel {
  /** Core's credential name for it: `<in>:<name>` (`claim:iss`), never an option a caller could pass. */
  readonly name: string;
  /** `none`: an assertion's claim or `kid`, read by the signer. */
  readonly in: "header" | "query" | "body" | "none";
  /** Header name, query parameter or body field. */
  readonly target: string;
  readonly template: string;
  readonly secret: boolean;
}
export { resolve } from "./schema.ts";

const EXTENSION = "x-token-exchange";
/** What npm allows as a package name's last part, within what a file name and a URL carry plainly. */
const PROVIDER_ID = /^[a-z0-9][a-z0-9-]*$/;

/** Everything the renderers need to know about one provider, checked against its spec. */
export interface ProviderModel extends RequestModel, ResponseModel {
  readonly id: string;
  readonly packageName: string;
  readonly specFile: string;
  readonly title: string;
  readonly summary: string;
  readonly version: string;
  readonly tokenPath: string;
  /** Named base URLs; empty when the host is not known (a `baseUrl` is then required). */
  readonly environments: Readonly<Record<string, string>>;
  /** The servers' `{variables}`: typed createAuth options. */
  readonly variables: readonly ServerVariableModel[];
  /** Templated constants, built by createAuth from variables and credentials. */
  readonly computed: readonly ComputedModel[];
  readonly hasRequestBody: boolean;
  /** A refresh request of its own (another operation), when the spec has one. */
  readonly refresh: RefreshModel | undefined;
  /** The token is a JWT the client signs itself (`mint` at the root): no token operation. */
  readonly minted: boolean;
  readonly lockoutAfter?: number;
  readonly document: JsonObject;
}

/** Checks one spec and its extension; returns the model or the problems, never both. */
export function buildModel(
  spec: LoadedSpec,
  id: string,
): { model?: ProviderModel; problems: Problem[] } {
  const problems: Problem[] = [];
  const { file, document } = spec;
  const report = (at: string, message: string) => problems.push({ file, pointer: at, message });

  const info = checkDocument(document, id, report);
  const serverUrls = checkServers(document, report);
  // At the document's root: a token the client mints itself, with no token operation.
  if (document[EXTENSION] !== undefined)
    return buildMintedModel(spec, id, info, serverUrls, problems, report);
  const found = findTokenOperation(document, report);
  if (found === undefined) return { problems };
  const { path, method, operation, item } = found;
  const opPointer = pointer("paths", path, method);
  const extPointer = `${opPointer}/${EXTENSION}`;
  const extension = operation[EXTENSION];
  if (!isObject(extension)) {
    report(extPointer, `${EXTENSION} must be a mapping`);
    return { problems };
  }
  const context: ModelContext = { document, opPointer, extPointer, report };
  checkKeys(context, extension, EXTENSION_KEYS, extPointer);
  const environments = readEnvironments(context, extension, serverUrls);
  const request = readRequest(context, method, operation, item, extension);
  const responseModel = readResponse(context, operation, extension);
  if (request?.refreshGrant !== undefined && responseModel.response.refreshToken === undefined) {
    report(
      `${extPointer}/response/refreshToken`,
      "a refreshGrant needs the response field that carries the refresh token",
    );
  }
  if (request) checkSeededRefresh(context, request, responseModel);
  const refresh = request ? readRefresh(context, extension, request, { path, method }) : undefined;
  if (refresh && responseModel.response.refreshToken === undefined)
    report(
      `${extPointer}/response/refreshToken`,
      "a refresh request needs the response field that carries the refresh token",
    );
  const wanted = new Set([
    ...Object.values(environments).flatMap((url) =>
      [...url.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!),
    ),
    ...(request?.constants ?? []).flatMap((c) => c.references ?? []),
    ...(request?.assertion?.templated ?? []).flatMap((t) => t.references),
    ...presentationReferences(responseModel.presentation?.template),
  ]);
  const variables = readServerVariables(document, report, wanted);
  const computed = request
    ? readTemplates(
        context,
        request,
        variables,
        presentationReferences(responseModel.presentation?.template),
      )
    : [];
  if (request) checkPresentation(context, request, variables, responseModel.presentation?.template);
  const lockoutAfter = extension.lockoutAfter;
  if (
    lockoutAfter !== undefined &&
    (typeof lockoutAfter !== "number" || !Number.isInteger(lockoutAfter) || lockoutAfter < 1)
  ) {
    report(`${extPointer}/lockoutAfter`, "must be a positive whole number of failed logins");
  }

  if (problems.length > 0 || request === undefined) return { problems };
  return {
    problems,
    model: {
      ...packageIdentity(spec, id, info!),
      tokenPath: path,
      environments,
      variables,
      ...request,
      constants: request.constants.filter((c) => c.references === undefined),
      computed,
      hasRequestBody: request.bodyEncoding !== undefined,
      refresh,
      minted: false,
      ...responseModel,
      ...(typeof lockoutAfter === "number" ? { lockoutAfter } : {}),
      document,
    },
  };
}

type Report = (at: string, message: string) => void;

/** The package a spec becomes: its id, npm name, and what `info` says of it. */
function packageIdentity(spec: LoadedSpec, id: string, info: JsonObject) {
  return {
    id,
    packageName: `@auth/${id}`,
    specFile: spec.file,
    title: String(info.title),
    summary: typeof info.summary === "string" ? info.summary : String(info.title),
    version: String(info.version),
  };
}

/** What a spec without a token operation declares of one: nothing. */
const NO_REQUEST: RequestSpec = {
  query: new Map(),
  headers: new Map(),
  hasBody: false,
  bodyEncoding: undefined,
  bodyMediaType: undefined,
  bodySchema: undefined,
  bodyProperties: new Map(),
  hasBasicScheme: false,
  apiKeySchemes: [],
};

/**
 * A token the client signs itself (App Store Connect, a GitHub App, a service account's
 * self-signed JWT): `x-token-exchange` at the document's root with `mint` (alg, key, kid, claims,
 * lifetime) and no token operation. Every credential is `in: none`; nothing is sent to get a token.
 */
function buildMintedModel(
  spec: LoadedSpec,
  id: string,
  info: JsonObject | undefined,
  serverUrls: Set<unknown>,
  problems: Problem[],
  report: Report,
): { model?: ProviderModel; problems: Problem[] } {
  const { document } = spec;
  const extPointer = `/${EXTENSION}`;
  const extension = document[EXTENSION];
  if (!isObject(extension)) {
    report(extPointer, `${EXTENSION} must be a mapping`);
    return { problems };
  }
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths))
    for (const [method, operation] of Object.entries(isObject(item) ? item : {}))
      if (isObject(operation) && EXTENSION in operation)
        report(
          pointer("paths", path, method, EXTENSION),
          `the document's root already has ${EXTENSION} (a token the client mints): a token operation cannot have one too`,
        );
  const context: ModelContext = { document, opPointer: "", extPointer, report };
  checkKeys(
    context,
    extension,
    ["environments", "credentials", "mint", "presentation"],
    extPointer,
  );
  if (extension.mint === undefined)
    report(
      extPointer,
      `at the document's root, ${EXTENSION} describes a token the client signs itself: add mint (alg, key, claims); a token endpoint's extension goes on its operation`,
    );
  const environments = readEnvironments(context, extension, serverUrls);
  const credentials = readCredentials(context, extension, NO_REQUEST);
  credentials.forEach((c, index) => {
    if (c.in !== "none")
      report(
        `${extPointer}/credentials/${index}/in`,
        "a minted token is sent nowhere, so is every credential: in: none (the key, or a value a claim uses)",
      );
  });
  const { assertion } = readAssertion(
    context,
    extension,
    NO_REQUEST,
    credentials,
    undefined,
    "mint",
  );
  const presentation = readPresentation(context, extension);
  const request: RequestModel = {
    method: "post",
    bodyEncoding: undefined,
    bodyMediaType: undefined,
    paramsIn: "body",
    grantField: "grant_type",
    grant: undefined,
    refreshGrant: undefined,
    scopeField: undefined,
    credentials,
    constants: [],
    assertion,
    computedValues: [],
    queryParameters: [],
    headerParameters: [],
  };
  const presented = presentationReferences(presentation?.template);
  const variables = readServerVariables(
    document,
    report,
    new Set([
      ...Object.values(environments).flatMap((url) =>
        [...url.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!),
      ),
      ...(assertion?.templated ?? []).flatMap((t) => t.references),
      ...presented,
    ]),
  );
  const computed = readTemplates(context, request, variables, presented);
  checkPresentation(context, request, variables, presentation?.template);
  if (problems.length > 0 || assertion === undefined) return { problems };
  return {
    problems,
    model: {
      ...packageIdentity(spec, id, info!),
      tokenPath: "",
      environments,
      variables,
      ...request,
      computed,
      hasRequestBody: false,
      refresh: undefined,
      minted: true,
      // What `mintToken` answers: `{ "token": <the JWT> }`, living until its own `exp`.
      response: { accessToken: "token" },
      expiry: {
        kind: "relative-seconds",
        jwtExp: true,
        lifetimeSeconds: assertion.lifetimeSeconds,
      },
      ...(presentation ? { presentation } : {}),
      errorStatuses: [],
      okMediaType: "application/json",
      document,
    },
  };
}

/**
 * Whether the primary grant is the refresh grant (a seeded refresh token), and if so the body
 * credential carrying the first refresh token (undefined when the spec lacks it).
 */
export function seededRefresh(
  request: Pick<RequestModel, "grant" | "refreshGrant" | "credentials">,
): CredentialModel | undefined | false {
  if (request.grant === undefined || request.grant !== request.refreshGrant) return false;
  return request.credentials.find((c) => c.in === "body" && c.field === "refresh_token");
}

/**
 * A seeded refresh token: the primary grant is the refresh grant, and the first refresh token is a
 * secret body credential in `refresh_token` (issued once through a consent flow outside the
 * client). Renewals use the newest one, which a restart must find in the store, so the spec must
 * say how long a refresh token lives. A refresh lifetime needs a refresh grant to mean anything.
 */
function checkSeededRefresh(
  context: ModelContext,
  request: RequestModel,
  responseModel: ResponseModel,
): void {
  const { extPointer, report } = context;
  const seeded = seededRefresh(request) !== false;
  const refreshLifetime = responseModel.expiry?.refreshLifetimeSeconds;
  if (refreshLifetime !== undefined && request.refreshGrant === undefined)
    report(
      `${extPointer}/expiry/refreshLifetimeSeconds`,
      "a refresh token's lifetime needs a refreshGrant (the grant that uses it)",
    );
  if (!seeded) return;
  const seed = seededRefresh(request) || undefined;
  if (seed === undefined || seed.secret === false || !seed.required)
    report(
      `${extPointer}/credentials`,
      `grant and refreshGrant are both "${request.grant}": the first refresh token must be a required secret credential (in: body, field: refresh_token), the one a consent flow gave the client`,
    );
  if (refreshLifetime === undefined)
    report(
      `${extPointer}/expiry`,
      "a seeded refresh token needs expiry.refreshLifetimeSeconds (how long a refresh token stays usable, as the provider documents it): a shared store keeps the newest one that long, so a restart does not replay one the provider has rotated away",
    );
}

/** Keys the extension may have. */
const EXTENSION_KEYS = [
  "environments",
  "credentials",
  "grant",
  "refreshGrant",
  "scope",
  "constants",
  "response",
  "expiry",
  "failures",
  "presentation",
  "lockoutAfter",
  "assertion",
  "computed",
  "refresh",
];

/** The provider id (from the file name), the OpenAPI version and `info`; returns `info`. */
function checkDocument(document: JsonObject, id: string, report: Report): JsonObject | undefined {
  if (!PROVIDER_ID.test(id)) {
    report(
      "",
      `file name "${id}" is not a valid provider id; use lower-case letters, digits and dashes, starting with a letter or digit`,
    );
  }
  if (typeof document.openapi !== "string" || !document.openapi.startsWith("3.1")) {
    report(
      "/openapi",
      `expected an OpenAPI 3.1 document, found ${JSON.stringify(document.openapi)}`,
    );
  }
  const info = isObject(document.info) ? document.info : undefined;
  if (!info || typeof info.title !== "string" || typeof info.version !== "string") {
    report("/info", "info.title and info.version are required");
  }
  return info;
}

/** Every server must be an absolute https URL; returns their URLs. */
function checkServers(document: JsonObject, report: Report): Set<unknown> {
  const servers = Array.isArray(document.servers) ? document.servers.filter(isObject) : [];
  if (servers.length === 0) report("/servers", "at least one server is required");
  servers.forEach((server, index) => {
    if (typeof server.url !== "string" || !/^https:\/\/[^/]+/.test(server.url)) {
      report(
        pointer("servers", index, "url"),
        `server URL ${JSON.stringify(server.url)} must be an absolute https:// URL`,
      );
    }
  });
  return new Set(servers.map((s) => s.url));
}

/** The one operation that carries the extension; undefined (reported) when there is not exactly one. */
function findTokenOperation(
  document: JsonObject,
  report: Report,
): { path: string; method: string; operation: JsonObject; item: JsonObject } | undefined {
  const found: { path: string; method: string; operation: JsonObject; item: JsonObject }[] = [];
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (isObject(operation) && EXTENSION in operation)
        found.push({ path, method, operation, item });
    }
  }
  if (found.length === 1) return found[0];
  report(
    "/paths",
    found.length === 0
      ? `no operation has an ${EXTENSION} extension; add one to the token operation (see specs/README.md)`
      : `${found.length} operations have an ${EXTENSION} extension; exactly one token operation is allowed`,
  );
  return undefined;
}

/** `environments`: camelCase names mapped to servers the spec lists. */
function readEnvironments(
  context: ModelContext,
  extension: JsonObject,
  serverUrls: ReadonlySet<unknown>,
): Record<string, string> {
  const { extPointer, report } = context;
  const environments: Record<string, string> = {};
  if (extension.environments === undefined) return environments;
  if (!isObject(extension.environments)) {
    report(`${extPointer}/environments`, "must map environment names to server URLs");
    return environments;
  }
  for (const [name, url] of Object.entries(extension.environments)) {
    const at = `${extPointer}/environments${pointer(name)}`;
    if (!IDENTIFIER.test(name))
      report(at, `environment name "${name}" must be a camelCase identifier`);
    else if (PROTOTYPE_NAMES.has(name))
      report(
        at,
        `environment name "${name}" is a property of every JavaScript object; pick another`,
      );
    if (typeof url !== "string" || !serverUrls.has(url)) {
      report(
        at,
        `${JSON.stringify(url)} is not one of the spec's servers; list it under servers or fix the URL`,
      );
    } else environments[name] = url;
  }
  return environments;
}

/**
 * The templated constants: each `{name}` is a server variable or a required credential (an
 * optional one could leave a hole), and no name is both a variable and a credential.
 */
function readTemplates(
  context: ModelContext,
  request: RequestModel,
  variables: readonly ServerVariableModel[],
  alsoUsed: readonly string[],
): ComputedModel[] {
  const { extPointer, report } = context;
  const variableNames = new Set(variables.map((v) => v.name));
  request.credentials.forEach((c, index) => {
    if (variableNames.has(c.name))
      report(
        `${extPointer}/credentials/${index}/name`,
        `"${c.name}" is also a server variable; one option cannot be both`,
      );
  });
  const computed: ComputedModel[] = [];
  const templates = [
    ...request.constants.flatMap((constant, index) =>
      constant.references === undefined
        ? []
        : [
            {
              name: `${constant.in}:${constant.name}`,
              in: constant.in,
              target: constant.name,
              template: constant.value as string,
              references: constant.references,
              defaulted: constant.defaulted ?? [],
              at: `${extPointer}/constants/${index}/value`,
            },
          ],
    ),
    ...(request.assertion?.templated ?? []).map((t) => ({
      ...t,
      in: "none" as const,
      target: t.name,
    })),
  ];
  const used = new Set([...(request.assertion ? [request.assertion.key] : []), ...alsoUsed]);
  for (const value of request.computedValues) {
    if (value.key !== undefined) used.add(value.key);
    for (const [, name] of (value.message ?? "").matchAll(/\{([^{}]*)\}/g)) used.add(name!);
  }
  for (const { references, defaulted, at, ...value } of templates) {
    let secret = false;
    for (const name of references) {
      used.add(name);
      const credential = request.credentials.find((c) => c.name === name);
      if (variableNames.has(name)) continue;
      if (credential === undefined)
        report(at, `{${name}} is neither a server variable nor a credential`);
      else if (!credential.required && !defaulted.includes(name))
        report(
          at,
          `{${name}} is an optional credential: give it a default ({${name}=text}) for when it is left out`,
        );
      else
        secret ||=
          credential.secret || (credential.in === "basic" && credential.part === "password");
    }
    computed.push({ ...value, secret });
  }
  // A credential sent nowhere and used by nothing would be asked for and dropped.
  request.credentials.forEach((c, index) => {
    if (c.in === "none" && !used.has(c.name))
      report(
        `${extPointer}/credentials/${index}/in`,
        `"${c.name}" is never sent (in: none) and neither a template, the presentation nor the assertion uses it`,
      );
  });
  return computed;
}

/** The names a presentation template uses besides `{token}`. */
function presentationReferences(template: string | undefined): string[] {
  return [...(template ?? "").matchAll(TEMPLATE_PLACEHOLDER)]
    .map((m) => m[1]!)
    .filter((name) => name !== "token");
}

/** A presentation template names only server variables and credentials (optional ones with a default). */
function checkPresentation(
  context: ModelContext,
  request: RequestModel,
  variables: readonly ServerVariableModel[],
  template: string | undefined,
): void {
  if (template === undefined) return;
  for (const [, name, fallback] of template.matchAll(TEMPLATE_PLACEHOLDER)) {
    if (name === "token" || variables.some((v) => v.name === name)) continue;
    const credential = request.credentials.find((c) => c.name === name);
    const at = `${context.extPointer}/presentation/template`;
    if (credential === undefined)
      context.report(at, `{${name}} is neither {token}, a server variable nor a credential`);
    else if (!credential.required && fallback === undefined)
      context.report(at, `{${name}} is an optional credential: give it a default ({${name}=text})`);
  }
}
