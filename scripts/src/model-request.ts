import { isObject, type JsonObject } from "./load-spec.ts";
import {
  asObject,
  checkKeys,
  HTTP_TOKEN,
  IDENTIFIER,
  type ModelContext,
  optionalString,
} from "./model-context.ts";
import {
  allowedValues,
  collectProperties,
  requiredAlternatives,
  resolve,
  schemaTypes,
} from "./schema.ts";

const RESERVED_OPTIONS = new Set(["environment", "baseUrl", "fetch", "scope", "store", "clock"]);
/** Headers core sets itself on every token request. */
const CORE_HEADERS = new Set(["accept", "content-type", "authorization"]);

interface CredentialCommon {
  name: string;
  secret: boolean;
  required: boolean;
  description: string;
}
export type CredentialModel =
  | (CredentialCommon & { in: "basic"; part: "username" | "password" })
  | (CredentialCommon & { in: "header"; header: string })
  | (CredentialCommon & { in: "body"; field: string })
  | (CredentialCommon & { in: "query"; field: string });

export interface ConstantModel {
  in: "header" | "query" | "body";
  name: string;
  value: string;
}

/** The token request as the spec and its extension describe it. */
export interface RequestModel {
  readonly method: "get" | "post";
  /** Undefined when the operation has no request body. */
  readonly bodyEncoding: "form" | "json" | undefined;
  /** Media type of the request body in the spec (for the generated types). */
  readonly bodyMediaType: string | undefined;
  /** Where the grant, refresh token and scope go. */
  readonly paramsIn: "body" | "query";
  readonly grantField: string;
  readonly grant: string | undefined;
  readonly refreshGrant: string | undefined;
  readonly scopeField: string | undefined;
  readonly credentials: CredentialModel[];
  readonly constants: ConstantModel[];
  /** Query and header parameters the spec declares (their names as the spec writes them). */
  readonly queryParameters: string[];
  readonly headerParameters: string[];
}

interface Parameter {
  readonly required: boolean;
  readonly schema: unknown;
}

/** Reads and checks the request side: method, body, parameters, credentials, grant, constants. */
export function readRequest(
  context: ModelContext,
  method: string,
  operation: JsonObject,
  pathItem: JsonObject,
  extension: JsonObject,
): RequestModel | undefined {
  const { document, report, opPointer, extPointer } = context;
  if (method !== "post" && method !== "get")
    report(opPointer, "the token operation must be a GET or a POST");

  // Parameters of the path item and the operation (the operation's win, by name and place).
  const query = new Map<string, Parameter>();
  const headers = new Map<string, Parameter & { name: string }>();
  const parameterLists = [pathItem.parameters, operation.parameters];
  parameterLists.forEach((list, listIndex) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const parameter = resolve(document, raw);
      const at = `${listIndex === 0 ? opPointer.replace(/\/[^/]+$/, "") : opPointer}/parameters/${index}`;
      if (!isObject(parameter) || typeof parameter.name !== "string") return;
      const entry = {
        required: parameter.required === true,
        schema: resolve(document, parameter.schema),
      };
      if (parameter.in === "query") query.set(parameter.name, entry);
      else if (parameter.in === "header")
        headers.set(parameter.name.toLowerCase(), { ...entry, name: parameter.name });
      else if (parameter.in === "path")
        report(
          at,
          "path parameters are not supported on the token operation; put the value in the path",
        );
    });
  });

  // Request body: form or JSON.
  const body = resolve(document, operation.requestBody);
  const content = isObject(body) && isObject(body.content) ? body.content : undefined;
  let bodyEncoding: RequestModel["bodyEncoding"];
  let bodyMediaType: string | undefined;
  let bodySchema: unknown;
  if (isObject(body)) {
    if (method === "get")
      report(`${opPointer}/requestBody`, "a GET token operation cannot have a request body");
    const media = Object.keys(content ?? {});
    const form = media.filter((m) => m === "application/x-www-form-urlencoded");
    const json = media.filter((m) => /^application\/json\b/.test(m));
    if (form.length + json.length !== 1 || media.length !== 1) {
      report(
        `${opPointer}/requestBody/content`,
        "the token request body must have exactly one media type: application/x-www-form-urlencoded or application/json",
      );
    } else {
      bodyEncoding = form.length === 1 ? "form" : "json";
      bodyMediaType = media[0]!;
      const mediaObject = resolve(document, content![bodyMediaType]);
      bodySchema = isObject(mediaObject) ? resolve(document, mediaObject.schema) : undefined;
    }
  }
  const bodyProperties = collectProperties(document, bodySchema);

  // Security schemes the operation uses.
  const schemes =
    isObject(document.components) && isObject(document.components.securitySchemes)
      ? document.components.securitySchemes
      : {};
  const requirements = Array.isArray(operation.security) ? operation.security.filter(isObject) : [];
  const usedSchemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  const apiKeySchemes: { scheme: string; in: "header" | "query"; name: string }[] = [];
  let hasBasicScheme = false;
  for (const name of usedSchemes) {
    const s = schemes[name];
    if (!isObject(s)) {
      report(
        `${opPointer}/security`,
        `security scheme "${name}" is not defined in components.securitySchemes`,
      );
      continue;
    }
    if (s.type === "http" && typeof s.scheme === "string" && s.scheme.toLowerCase() === "basic")
      hasBasicScheme = true;
    if (
      s.type === "apiKey" &&
      (s.in === "header" || s.in === "query") &&
      typeof s.name === "string"
    )
      apiKeySchemes.push({ scheme: name, in: s.in, name: s.name });
  }

  const credentials = readCredentials(context, extension, {
    hasBasicScheme,
    apiKeySchemes,
    headers,
    query,
    bodyProperties,
  });

  // Grant: a string (grant_type in the body, or the query when there is no body) or { value, in, field }.
  let grant: string | undefined;
  let grantField = "grant_type";
  let paramsIn: "body" | "query" = isObject(body) ? "body" : "query";
  const rawGrant = extension.grant;
  if (isObject(rawGrant)) {
    const at = `${extPointer}/grant`;
    checkKeys(context, rawGrant, ["value", "in", "field"], at);
    grant = optionalString(context, rawGrant, "value", at);
    if (grant === undefined) report(`${at}/value`, "name the grant_type value");
    if (rawGrant.in !== undefined) {
      if (rawGrant.in !== "body" && rawGrant.in !== "query")
        report(`${at}/in`, 'must be "body" or "query"');
      else paramsIn = rawGrant.in;
    }
    grantField = optionalString(context, rawGrant, "field", at) ?? grantField;
  } else grant = optionalString(context, extension, "grant", extPointer);
  const refreshGrant = optionalString(context, extension, "refreshGrant", extPointer);
  const scopeField = optionalString(context, extension, "scope", extPointer);
  // Nothing to place: keep core's default rather than record a meaningless "query".
  if ((grant ?? refreshGrant ?? scopeField) === undefined) paramsIn = "body";
  if (paramsIn === "body" && !isObject(body) && (grant ?? refreshGrant ?? scopeField) !== undefined)
    report(
      `${extPointer}/grant`,
      'the operation has no request body: declare one, or use grant: { value, in: "query" }',
    );

  /** The schema of a parameter where the grant goes, or undefined with a problem reported. */
  const paramSchema = (name: string, at: string): { schema: unknown } | undefined => {
    if (paramsIn === "query") {
      const found = query.get(name);
      if (!found)
        report(at, `query parameter "${name}" is not declared in the operation's parameters`);
      return found;
    }
    if (!bodyProperties.has(name)) {
      report(at, `field "${name}" is not a property of the request body schema`);
      return undefined;
    }
    return { schema: resolve(document, bodyProperties.get(name)) };
  };
  for (const [key, value] of [
    ["grant", grant],
    ["refreshGrant", refreshGrant],
  ] as const) {
    if (value === undefined) continue;
    const at = `${extPointer}/${key}`;
    const found = paramSchema(grantField, at);
    if (!found) continue;
    const allowed =
      paramsIn === "body"
        ? grantValues(document, bodySchema, grantField)
        : allowedValues(found.schema);
    if (allowed !== undefined && allowed.size > 0 && !allowed.has(value))
      report(
        at,
        `grant "${value}" is not an allowed ${grantField} value (enum or const) of the spec`,
      );
  }
  if (grant === undefined && paramsIn === "body" && bodyProperties.has(grantField))
    report(
      `${extPointer}/grant`,
      `the request body has a ${grantField} field: name its value with grant`,
    );
  if (refreshGrant !== undefined) paramSchema("refresh_token", `${extPointer}/refreshGrant`);
  if (scopeField !== undefined) paramSchema(scopeField, `${extPointer}/scope`);

  const constants = readConstants(context, extension, {
    query,
    headers,
    bodyProperties,
    hasBody: isObject(body),
  });

  // Everything the spec requires must be sent, or the generated call would not compile (query,
  // header) or the provider would reject it (body).
  const supplied = { query: new Set<string>(), header: new Set<string>(), body: new Set<string>() };
  for (const c of credentials) {
    if (c.in === "query" && c.required) supplied.query.add(c.field);
    if (c.in === "header" && c.required) supplied.header.add(c.header.toLowerCase());
    if (c.in === "body" && c.required) supplied.body.add(c.field);
  }
  for (const c of constants) supplied[c.in].add(c.in === "header" ? c.name.toLowerCase() : c.name);
  if (grant !== undefined) supplied[paramsIn === "body" ? "body" : "query"].add(grantField);
  for (const [name, parameter] of query)
    if (parameter.required && !supplied.query.has(name))
      report(
        `${opPointer}/parameters`,
        `query parameter "${name}" is required, but x-token-exchange sends no value for it; add a credential (in: query), a constant, or make it optional`,
      );
  for (const [lower, parameter] of headers)
    if (parameter.required && !supplied.header.has(lower) && !CORE_HEADERS.has(lower))
      report(
        `${opPointer}/parameters`,
        `header parameter "${parameter.name}" is required, but x-token-exchange sends no value for it; add a credential (in: header) or a constant`,
      );
  if (isObject(body) && bodySchema !== undefined) {
    const alternatives = requiredAlternatives(document, bodySchema, grantField).filter(
      (a) => grant === undefined || paramsIn !== "body" || !a.allows || a.allows.has(grant),
    );
    const missing = alternatives
      .map((a) => [...a.required].filter((name) => !supplied.body.has(name)))
      .sort((a, b) => a.length - b.length)[0];
    if (alternatives.length === 0)
      report(
        `${extPointer}/grant`,
        `no branch of the request body schema allows ${grantField} "${grant}"`,
      );
    else if (missing && missing.length > 0)
      report(
        `${opPointer}/requestBody`,
        `the request body requires ${missing.map((m) => `"${m}"`).join(", ")}, but x-token-exchange sends no value for ${missing.length > 1 ? "them" : "it"}; add a required credential (in: body) or a constant, or make ${missing.length > 1 ? "them" : "it"} optional`,
      );
  }

  return {
    method: method === "get" ? "get" : "post",
    bodyEncoding,
    bodyMediaType,
    paramsIn,
    grantField,
    grant,
    refreshGrant,
    scopeField,
    credentials,
    constants,
    queryParameters: [...query.keys()],
    headerParameters: [...headers.values()].map((h) => h.name),
  };
}

function readCredentials(
  context: ModelContext,
  extension: JsonObject,
  spec: {
    hasBasicScheme: boolean;
    apiKeySchemes: { scheme: string; in: "header" | "query"; name: string }[];
    headers: Map<string, unknown>;
    query: Map<string, unknown>;
    bodyProperties: Map<string, unknown>;
  },
): CredentialModel[] {
  const { report, extPointer } = context;
  const credentials: CredentialModel[] = [];
  const names = new Set<string>();
  const basicParts = new Set<string>();
  if (!Array.isArray(extension.credentials) || extension.credentials.length === 0) {
    report(`${extPointer}/credentials`, "list at least one credential the caller supplies");
    return credentials;
  }
  extension.credentials.forEach((raw, index) => {
    const at = `${extPointer}/credentials/${index}`;
    if (!isObject(raw)) return report(at, "must be a mapping with name and in");
    checkKeys(
      context,
      raw,
      ["name", "in", "part", "header", "field", "secret", "required", "description"],
      at,
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
      if (!spec.hasBasicScheme)
        report(
          at,
          "credential goes in HTTP Basic, but the operation's security has no http/basic scheme",
        );
      credentials.push({ ...common, in: "basic", part: raw.part });
    } else if (raw.in === "header") {
      if (typeof raw.header !== "string" || !HTTP_TOKEN.test(raw.header))
        return report(`${at}/header`, "must be a header name");
      const lower = raw.header.toLowerCase();
      const declared =
        spec.headers.has(lower) ||
        spec.apiKeySchemes.some((s) => s.in === "header" && s.name.toLowerCase() === lower);
      if (!declared)
        report(
          `${at}/header`,
          `header "${raw.header}" is neither an apiKey-in-header security scheme nor a header parameter of the operation`,
        );
      credentials.push({ ...common, in: "header", header: raw.header });
    } else if (raw.in === "query") {
      if (typeof raw.field !== "string" || raw.field === "")
        return report(`${at}/field`, "must name a query parameter");
      const declared =
        spec.query.has(raw.field) ||
        spec.apiKeySchemes.some((s) => s.in === "query" && s.name === raw.field);
      if (!declared)
        report(
          `${at}/field`,
          `query parameter "${raw.field}" is neither a query parameter nor an apiKey-in-query security scheme of the operation`,
        );
      credentials.push({ ...common, in: "query", field: raw.field });
    } else if (raw.in === "body") {
      if (typeof raw.field !== "string" || raw.field === "")
        return report(`${at}/field`, "must name a body field");
      if (!spec.bodyProperties.has(raw.field))
        report(`${at}/field`, `field "${raw.field}" is not a property of the request body schema`);
      credentials.push({ ...common, in: "body", field: raw.field });
    } else {
      report(
        `${at}/in`,
        `must be "basic", "header", "query" or "body", found ${JSON.stringify(raw.in)}`,
      );
    }
  });
  if (basicParts.size === 1)
    report(
      `${extPointer}/credentials`,
      "HTTP Basic needs both a username and a password credential",
    );
  for (const s of spec.apiKeySchemes) {
    const covered = credentials.some((c) =>
      s.in === "header"
        ? c.in === "header" && c.header.toLowerCase() === s.name.toLowerCase()
        : c.in === "query" && c.field === s.name,
    );
    if (!covered)
      report(
        `${extPointer}/credentials`,
        `security scheme "${s.scheme}" (${s.in} ${s.name}) has no credential; add one with in: ${s.in}`,
      );
  }
  return credentials;
}

function readConstants(
  context: ModelContext,
  extension: JsonObject,
  spec: {
    query: Map<string, { schema: unknown }>;
    headers: Map<string, { schema: unknown }>;
    bodyProperties: Map<string, unknown>;
    hasBody: boolean;
  },
): ConstantModel[] {
  const { report, extPointer, document } = context;
  const constants: ConstantModel[] = [];
  if (extension.constants === undefined) return constants;
  if (!Array.isArray(extension.constants)) {
    report(`${extPointer}/constants`, "must be a list of { in, name, value }");
    return constants;
  }
  extension.constants.forEach((raw, index) => {
    const at = `${extPointer}/constants/${index}`;
    const constant = asObject(raw);
    if (!constant) return report(at, "must be a mapping with in, name and value");
    checkKeys(context, constant, ["in", "name", "value"], at);
    const { in: place, name, value } = constant;
    if (place !== "header" && place !== "query" && place !== "body")
      return report(`${at}/in`, 'must be "header", "query" or "body"');
    if (typeof name !== "string" || name === "")
      return report(`${at}/name`, "must be a non-empty string");
    if (typeof value !== "string")
      return report(`${at}/value`, "must be a string (quote numbers and booleans)");
    let schema: unknown;
    if (place === "header") {
      if (!HTTP_TOKEN.test(name)) return report(`${at}/name`, "must be a header name");
      if (/^(authorization|content-type)$/i.test(name))
        return report(`${at}/name`, `${name} is set by the client itself; remove this constant`);
      schema = spec.headers.get(name.toLowerCase())?.schema;
    } else if (place === "query") {
      if (!spec.query.has(name))
        return report(
          `${at}/name`,
          `query parameter "${name}" is not declared in the operation's parameters`,
        );
      schema = spec.query.get(name)!.schema;
    } else {
      if (!spec.hasBody) return report(`${at}/in`, "the operation has no request body");
      if (!spec.bodyProperties.has(name))
        return report(`${at}/name`, `field "${name}" is not a property of the request body schema`);
      schema = resolve(document, spec.bodyProperties.get(name));
    }
    const allowed = allowedValues(schema);
    if (allowed && !allowed.has(value))
      report(
        `${at}/value`,
        `${JSON.stringify(value)} is not allowed by the spec (${[...allowed].map((v) => JSON.stringify(v)).join(", ")})`,
      );
    const types = schemaTypes(schema);
    if (types.length > 0 && !types.includes("string"))
      report(
        `${at}/value`,
        `the spec says ${name} is ${types.join(" or ")}; constants are sent as strings`,
      );
    constants.push({ in: place, name, value });
  });
  return constants;
}

/** Values of the grant field allowed anywhere in the body schema (enum or const, across branches). */
function grantValues(document: JsonObject, bodySchema: unknown, field: string): Set<unknown> {
  const values = new Set<unknown>();
  const visit = (schema: unknown, depth: number) => {
    const resolved = resolve(document, schema);
    if (!isObject(resolved) || depth > 20) return;
    const property = isObject(resolved.properties)
      ? resolve(document, resolved.properties[field])
      : undefined;
    for (const value of allowedValues(property) ?? []) values.add(value);
    for (const key of ["oneOf", "anyOf", "allOf"]) {
      const branches = resolved[key];
      if (Array.isArray(branches)) for (const branch of branches) visit(branch, depth + 1);
    }
  };
  visit(bodySchema, 0);
  return values;
}
