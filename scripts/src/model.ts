import { isObject, type JsonObject, type LoadedSpec } from "./load-spec.ts";
import { pointer, type Problem } from "./problems.ts";

/** The extension's keys; anything else is a typo worth reporting. */
const EXTENSION = "x-token-exchange";
const EXPIRY_KINDS = [
  "relative-seconds",
  "absolute-seconds",
  "absolute-milliseconds",
  "absolute-auto",
];
const IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;
const PROVIDER_ID = /^[a-z][a-z0-9-]*$/;
const RESERVED_OPTIONS = new Set(["environment", "baseUrl", "fetch", "scope", "store", "clock"]);

export type CredentialModel =
  | {
      name: string;
      secret: boolean;
      required: boolean;
      description: string;
      in: "basic";
      part: "username" | "password";
    }
  | {
      name: string;
      secret: boolean;
      required: boolean;
      description: string;
      in: "header";
      header: string;
    }
  | {
      name: string;
      secret: boolean;
      required: boolean;
      description: string;
      in: "body";
      field: string;
    };

/** Everything the renderers need to know about one provider, checked against its spec. */
export interface ProviderModel {
  readonly id: string;
  readonly packageName: string;
  readonly specFile: string;
  readonly title: string;
  readonly summary: string;
  readonly version: string;
  readonly tokenPath: string;
  readonly operationId: string;
  /** Named base URLs; empty when the host is not known (a `baseUrl` is then required). */
  readonly environments: Readonly<Record<string, string>>;
  readonly credentials: readonly CredentialModel[];
  readonly grant?: string;
  readonly refreshGrant?: string;
  readonly scopeField?: string;
  readonly hasRequestBody: boolean;
  readonly response: {
    accessToken: string;
    tokenType?: string;
    refreshToken?: string;
    scope?: string;
  };
  readonly expiry?: { field?: string; kind: string; jwtExp: boolean };
  readonly lockoutAfter?: number;
  readonly errorStatuses: readonly string[];
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

  if (!PROVIDER_ID.test(id)) {
    report(
      "",
      `file name "${id}" is not a valid provider id; use lower-case letters, digits and dashes`,
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
  const serverUrls = new Set(servers.map((s) => s.url));

  // Find the one operation that carries the extension.
  const found: { path: string; method: string; operation: JsonObject }[] = [];
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (isObject(operation) && EXTENSION in operation) found.push({ path, method, operation });
    }
  }
  if (found.length !== 1) {
    report(
      "/paths",
      found.length === 0
        ? `no operation has an ${EXTENSION} extension; add one to the token operation (see specs/README.md)`
        : `${found.length} operations have an ${EXTENSION} extension; exactly one token operation is allowed`,
    );
    return { problems };
  }
  const { path, method, operation } = found[0]!;
  const opPointer = pointer("paths", path, method);
  const extPointer = `${opPointer}/${EXTENSION}`;
  if (method !== "post")
    report(pointer("paths", path, method), "the token operation must be a POST");
  const extension = operation[EXTENSION];
  if (!isObject(extension)) {
    report(extPointer, `${EXTENSION} must be a mapping`);
    return { problems };
  }
  checkKeys(
    extension,
    [
      "environments",
      "credentials",
      "grant",
      "refreshGrant",
      "scope",
      "response",
      "expiry",
      "lockoutAfter",
    ],
    extPointer,
    report,
  );

  // Security schemes used by the operation.
  const schemes =
    isObject(document.components) && isObject(document.components.securitySchemes)
      ? document.components.securitySchemes
      : {};
  const requirements = Array.isArray(operation.security) ? operation.security.filter(isObject) : [];
  const usedSchemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  for (const name of usedSchemes) {
    if (!isObject(schemes[name]))
      report(
        `${opPointer}/security`,
        `security scheme "${name}" is not defined in components.securitySchemes`,
      );
  }
  const basicSchemes = [...usedSchemes].filter((n) => {
    const s = schemes[n];
    return (
      isObject(s) &&
      s.type === "http" &&
      typeof s.scheme === "string" &&
      s.scheme.toLowerCase() === "basic"
    );
  });
  const headerSchemes = new Map<string, string>();
  for (const n of usedSchemes) {
    const s = schemes[n];
    if (isObject(s) && s.type === "apiKey" && s.in === "header" && typeof s.name === "string") {
      headerSchemes.set(s.name.toLowerCase(), n);
    }
  }

  // Request body (form) properties.
  const body = resolve(document, operation.requestBody);
  const form =
    isObject(body) && isObject(body.content)
      ? resolve(document, body.content["application/x-www-form-urlencoded"])
      : undefined;
  const formSchema = isObject(form) ? resolve(document, form.schema) : undefined;
  const formProperties = collectProperties(document, formSchema);
  const hasRequestBody = isObject(body);
  if (hasRequestBody && !isObject(form)) {
    report(
      `${opPointer}/requestBody/content`,
      "the token request body must be application/x-www-form-urlencoded",
    );
  }

  // Environments.
  const environments: Record<string, string> = {};
  if (extension.environments !== undefined) {
    if (!isObject(extension.environments))
      report(`${extPointer}/environments`, "must map environment names to server URLs");
    else
      for (const [name, url] of Object.entries(extension.environments)) {
        const at = pointer(...splitPointer(extPointer), "environments", name);
        if (!IDENTIFIER.test(name))
          report(at, `environment name "${name}" must be a camelCase identifier`);
        if (typeof url !== "string" || !serverUrls.has(url)) {
          report(
            at,
            `${JSON.stringify(url)} is not one of the spec's servers; list it under servers or fix the URL`,
          );
        } else environments[name] = url;
      }
  }

  // Credentials.
  const credentials: CredentialModel[] = [];
  const names = new Set<string>();
  const basicParts = new Set<string>();
  if (!Array.isArray(extension.credentials) || extension.credentials.length === 0) {
    report(`${extPointer}/credentials`, "list at least one credential the caller supplies");
  } else
    extension.credentials.forEach((raw, index) => {
      const at = `${extPointer}/credentials/${index}`;
      if (!isObject(raw)) return report(at, "must be a mapping with name and in");
      checkKeys(
        raw,
        ["name", "in", "part", "header", "field", "secret", "required", "description"],
        at,
        report,
      );
      const name = raw.name;
      if (typeof name !== "string" || !IDENTIFIER.test(name)) {
        return report(
          `${at}/name`,
          `credential name ${JSON.stringify(name)} must be a camelCase identifier (it becomes an option name)`,
        );
      }
      if (RESERVED_OPTIONS.has(name))
        return report(`${at}/name`, `"${name}" is a reserved option name; pick another`);
      if (names.has(name)) return report(`${at}/name`, `duplicate credential name "${name}"`);
      names.add(name);
      const common = {
        name,
        secret: raw.secret === true,
        required: raw.required !== false,
        description: typeof raw.description === "string" ? raw.description.trim() : "",
      };
      if (raw.in === "basic") {
        if (raw.part !== "username" && raw.part !== "password")
          return report(`${at}/part`, 'must be "username" or "password"');
        if (basicParts.has(raw.part))
          return report(`${at}/part`, `two credentials are the Basic ${raw.part}`);
        basicParts.add(raw.part);
        if (basicSchemes.length === 0)
          report(
            at,
            "credential goes in HTTP Basic, but the operation's security has no http/basic scheme",
          );
        credentials.push({ ...common, in: "basic", part: raw.part });
      } else if (raw.in === "header") {
        if (typeof raw.header !== "string" || !/^[A-Za-z0-9-]+$/.test(raw.header))
          return report(`${at}/header`, "must be a header name");
        if (!headerSchemes.has(raw.header.toLowerCase())) {
          report(
            `${at}/header`,
            `header "${raw.header}" is not an apiKey-in-header security scheme of the operation`,
          );
        }
        credentials.push({ ...common, in: "header", header: raw.header });
      } else if (raw.in === "body") {
        if (typeof raw.field !== "string") return report(`${at}/field`, "must name a form field");
        if (!formProperties.has(raw.field)) {
          report(
            `${at}/field`,
            `form field "${raw.field}" is not a property of the request body schema`,
          );
        }
        credentials.push({ ...common, in: "body", field: raw.field });
      } else {
        report(`${at}/in`, `must be "basic", "header" or "body", found ${JSON.stringify(raw.in)}`);
      }
    });
  if (basicParts.size === 1)
    report(
      `${extPointer}/credentials`,
      "HTTP Basic needs both a username and a password credential",
    );
  for (const name of usedSchemes) {
    const s = schemes[name];
    if (isObject(s) && s.type === "apiKey" && typeof s.name === "string") {
      const header = s.name.toLowerCase();
      if (!credentials.some((c) => c.in === "header" && c.header.toLowerCase() === header)) {
        report(
          `${extPointer}/credentials`,
          `security scheme "${name}" (header ${s.name}) has no credential; add one with in: header`,
        );
      }
    }
  }

  // Grants and scope.
  const grantValues = grantTypes(document, formSchema);
  const grant = optionalString(extension, "grant", extPointer, report);
  const refreshGrant = optionalString(extension, "refreshGrant", extPointer, report);
  for (const [key, value] of [
    ["grant", grant],
    ["refreshGrant", refreshGrant],
  ] as const) {
    if (value === undefined) continue;
    if (!hasRequestBody)
      report(`${extPointer}/${key}`, "a grant needs a form request body with grant_type");
    else if (!grantValues.has(value)) {
      report(
        `${extPointer}/${key}`,
        `grant "${value}" is not an allowed grant_type value of the request body schema (enum or const)`,
      );
    }
  }
  if (hasRequestBody && grant === undefined)
    report(`${extPointer}/grant`, "the request has a body: name its grant_type");
  if (refreshGrant !== undefined && !formProperties.has("refresh_token")) {
    report(`${extPointer}/refreshGrant`, 'the request body schema has no "refresh_token" field');
  }
  const scopeField = optionalString(extension, "scope", extPointer, report);
  if (scopeField !== undefined && !formProperties.has(scopeField)) {
    report(
      `${extPointer}/scope`,
      `form field "${scopeField}" is not a property of the request body schema`,
    );
  }

  // Response mapping against the 200 schema.
  const responses = isObject(operation.responses) ? operation.responses : {};
  const ok = resolve(document, responses["200"]);
  const okJson =
    isObject(ok) && isObject(ok.content)
      ? resolve(document, ok.content["application/json"])
      : undefined;
  const okSchema = isObject(okJson) ? resolve(document, okJson.schema) : undefined;
  const okProperties = collectProperties(document, okSchema);
  const okRequired = new Set(
    isObject(okSchema) && Array.isArray(okSchema.required) ? okSchema.required : [],
  );
  if (!isObject(okSchema))
    report(
      `${opPointer}/responses/200`,
      "the token operation needs a 200 application/json response with a schema",
    );
  const response: ProviderModel["response"] = { accessToken: "" };
  const mapping = extension.response;
  if (!isObject(mapping))
    report(
      `${extPointer}/response`,
      "map accessToken (and optionally tokenType, refreshToken, scope) to response fields",
    );
  else {
    checkKeys(
      mapping,
      ["accessToken", "tokenType", "refreshToken", "scope"],
      `${extPointer}/response`,
      report,
    );
    for (const key of ["accessToken", "tokenType", "refreshToken", "scope"] as const) {
      const field = mapping[key];
      if (field === undefined) continue;
      const at = `${extPointer}/response/${key}`;
      if (typeof field !== "string") {
        report(at, "must be a field name of the 200 response");
        continue;
      }
      if (isObject(okSchema) && !okProperties.has(field)) {
        report(at, `response field "${field}" is not a property of the 200 response schema`);
        continue;
      }
      const type = resolve(document, okProperties.get(field));
      if (isObject(type) && type.type !== undefined && type.type !== "string") {
        report(at, `response field "${field}" must be a string in the 200 schema`);
      }
      response[key] = field;
    }
    if (typeof mapping.accessToken !== "string")
      report(`${extPointer}/response/accessToken`, "is required");
    else if (
      isObject(okSchema) &&
      okProperties.has(mapping.accessToken) &&
      !okRequired.has(mapping.accessToken)
    ) {
      report(
        `${extPointer}/response/accessToken`,
        `"${mapping.accessToken}" must be listed in the 200 schema's required`,
      );
    }
  }
  if (refreshGrant !== undefined && response.refreshToken === undefined) {
    report(
      `${extPointer}/response/refreshToken`,
      "a refreshGrant needs the response field that carries the refresh token",
    );
  }

  // Expiry.
  let expiry: ProviderModel["expiry"];
  if (extension.expiry !== undefined) {
    const at = `${extPointer}/expiry`;
    const raw = extension.expiry;
    if (!isObject(raw)) report(at, "must be a mapping with kind (and field)");
    else {
      checkKeys(raw, ["field", "kind", "jwtExp"], at, report);
      if (typeof raw.kind !== "string" || !EXPIRY_KINDS.includes(raw.kind)) {
        report(`${at}/kind`, `must be one of ${EXPIRY_KINDS.join(", ")}`);
      }
      if (raw.field !== undefined) {
        if (typeof raw.field !== "string" || !okProperties.has(raw.field)) {
          report(
            `${at}/field`,
            `response field ${JSON.stringify(raw.field)} is not a property of the 200 response schema`,
          );
        } else {
          const type = resolve(document, okProperties.get(raw.field));
          if (isObject(type) && type.type !== "integer" && type.type !== "number") {
            report(
              `${at}/field`,
              `response field "${raw.field}" must be an integer or number in the 200 schema`,
            );
          }
        }
      }
      if (raw.jwtExp !== undefined && typeof raw.jwtExp !== "boolean")
        report(`${at}/jwtExp`, "must be true or false");
      expiry = {
        kind: String(raw.kind),
        jwtExp: raw.jwtExp === true,
        ...(typeof raw.field === "string" ? { field: raw.field } : {}),
      };
    }
  }

  const lockoutAfter = extension.lockoutAfter;
  if (
    lockoutAfter !== undefined &&
    (typeof lockoutAfter !== "number" || !Number.isInteger(lockoutAfter) || lockoutAfter < 1)
  ) {
    report(`${extPointer}/lockoutAfter`, "must be a positive whole number of failed logins");
  }

  const errorStatuses = Object.keys(responses).filter((s) => /^[45]\d\d$/.test(s));
  if (problems.length > 0) return { problems };
  return {
    problems,
    model: {
      id,
      packageName: `@auth/${id}`,
      specFile: spec.file,
      title: String(info!.title),
      summary: typeof info!.summary === "string" ? info!.summary : String(info!.title),
      version: String(info!.version),
      tokenPath: path,
      operationId: typeof operation.operationId === "string" ? operation.operationId : "token",
      environments,
      credentials,
      ...(grant !== undefined ? { grant } : {}),
      ...(refreshGrant !== undefined ? { refreshGrant } : {}),
      ...(scopeField !== undefined ? { scopeField } : {}),
      hasRequestBody,
      response,
      ...(expiry !== undefined ? { expiry } : {}),
      ...(typeof lockoutAfter === "number" ? { lockoutAfter } : {}),
      errorStatuses,
      document,
    },
  };
}

/** Follows local `$ref`s (`#/components/...`); anything else resolves to undefined. */
export function resolve(document: JsonObject, node: unknown, depth = 0): unknown {
  if (!isObject(node) || typeof node.$ref !== "string" || depth > 20) return node;
  if (!node.$ref.startsWith("#/")) return undefined;
  let target: unknown = document;
  for (const raw of node.$ref.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    target = isObject(target) ? target[key] : undefined;
  }
  return resolve(document, target, depth + 1);
}

/** Properties of an object schema, including every branch of oneOf/anyOf/allOf. */
function collectProperties(
  document: JsonObject,
  schema: unknown,
  into = new Map<string, unknown>(),
): Map<string, unknown> {
  const resolved = resolve(document, schema);
  if (!isObject(resolved)) return into;
  if (isObject(resolved.properties))
    for (const [k, v] of Object.entries(resolved.properties)) into.set(k, v);
  for (const key of ["oneOf", "anyOf", "allOf"]) {
    const branches = resolved[key];
    if (Array.isArray(branches))
      for (const branch of branches) collectProperties(document, branch, into);
  }
  return into;
}

function grantTypes(document: JsonObject, formSchema: unknown): Set<string> {
  const values = new Set<string>();
  const visit = (schema: unknown) => {
    const resolved = resolve(document, schema);
    if (!isObject(resolved)) return;
    const property = isObject(resolved.properties)
      ? resolve(document, resolved.properties.grant_type)
      : undefined;
    if (isObject(property)) {
      if (typeof property.const === "string") values.add(property.const);
      if (Array.isArray(property.enum))
        for (const v of property.enum) if (typeof v === "string") values.add(v);
    }
    for (const key of ["oneOf", "anyOf", "allOf"]) {
      const branches = resolved[key];
      if (Array.isArray(branches)) branches.forEach(visit);
    }
  };
  visit(formSchema);
  return values;
}

function optionalString(
  object: JsonObject,
  key: string,
  at: string,
  report: (at: string, message: string) => void,
): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    report(`${at}/${key}`, "must be a non-empty string");
    return undefined;
  }
  return value;
}

function checkKeys(
  object: JsonObject,
  allowed: readonly string[],
  at: string,
  report: (at: string, message: string) => void,
) {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      report(`${at}/${key}`, `unknown key "${key}"; allowed: ${allowed.join(", ")}`);
  }
}

function splitPointer(value: string): string[] {
  return value
    .split("/")
    .slice(1)
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}
