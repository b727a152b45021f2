import { isObject, type JsonObject } from "../load-spec.ts";
import { checkKeys, type ModelContext, optionalString } from "./context.ts";
import {
  type ConstantModel,
  type CredentialModel,
  readConstants,
  readCredentials,
} from "./credentials.ts";
import { allowedValues, requiredAlternatives, resolve } from "./schema.ts";
import { type Parameter, readRequestSpec, type RequestSpec } from "./operation.ts";
import { type AssertionModel, readAssertion } from "./assertion.ts";
import { type ComputedValueModel, readComputed } from "./computed.ts";

export type { ConstantModel, CredentialModel } from "./credentials.ts";

/** Headers core sets itself on every token request. */
const CORE_HEADERS = new Set(["accept", "content-type", "authorization"]);

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
  /** A signed JWT the request carries (RFC 7523). */
  readonly assertion: AssertionModel | undefined;
  /** Values computed per request: timestamps, nonces, checksums, signatures. */
  readonly computedValues: ComputedValueModel[];
  /** Query and header parameters the spec declares (their names as the spec writes them). */
  readonly queryParameters: string[];
  readonly headerParameters: string[];
}

export interface GrantModel {
  readonly grant: string | undefined;
  readonly grantField: string;
  readonly paramsIn: "body" | "query";
  readonly refreshGrant: string | undefined;
  readonly scopeField: string | undefined;
}

/** Reads and checks the request side: method, body, parameters, credentials, grant, constants. */
export function readRequest(
  context: ModelContext,
  method: string,
  operation: JsonObject,
  pathItem: JsonObject,
  extension: JsonObject,
): RequestModel {
  if (method !== "post" && method !== "get")
    context.report(context.opPointer, "the token operation must be a GET or a POST");
  const spec = readRequestSpec(context, method, operation, pathItem);
  const credentials = readCredentials(context, extension, spec);
  const grant = readGrant(context, extension, spec);
  // With a refresh request of its own, the refresh grant is checked against that operation.
  checkGrant(
    context,
    extension.refresh === undefined ? grant : { ...grant, refreshGrant: undefined },
    spec,
  );
  const constants = readConstants(context, extension, spec);
  const { assertion, supplies } = readAssertion(context, extension, spec, credentials, grant.grant);
  const computedValues = readComputed(context, extension, spec, credentials);
  checkEverythingRequiredIsSent(context, spec, grant, credentials, constants, {
    header: computedValues.supplies.header,
    body: [...supplies, ...computedValues.supplies.body],
  });
  return {
    method: method === "get" ? "get" : "post",
    bodyEncoding: spec.bodyEncoding,
    bodyMediaType: spec.bodyMediaType,
    ...grant,
    credentials,
    constants,
    assertion,
    computedValues: computedValues.computed,
    queryParameters: [...spec.query.keys()],
    headerParameters: [...spec.headers.values()].map((h) => h.name),
  };
}

/** `grant: client_credentials` (the body, or the query without one) or `{ value, in, field }`. */
function readGrant(context: ModelContext, extension: JsonObject, spec: RequestSpec): GrantModel {
  const { report, extPointer } = context;
  let grant: string | undefined;
  let grantField = "grant_type";
  let paramsIn: "body" | "query" = spec.hasBody ? "body" : "query";
  const raw = extension.grant;
  if (isObject(raw)) {
    const at = `${extPointer}/grant`;
    checkKeys(context, raw, ["value", "in", "field"], at);
    grant = optionalString(context, raw, "value", at);
    if (grant === undefined) report(`${at}/value`, "name the grant_type value");
    if (raw.in !== undefined) {
      if (raw.in !== "body" && raw.in !== "query") report(`${at}/in`, 'must be "body" or "query"');
      else paramsIn = raw.in;
    }
    grantField = optionalString(context, raw, "field", at) ?? grantField;
  } else grant = optionalString(context, extension, "grant", extPointer);
  const refreshGrant = optionalString(context, extension, "refreshGrant", extPointer);
  const scopeField = optionalString(context, extension, "scope", extPointer);
  // Nothing to place: keep core's default rather than record a meaningless "query".
  if ((grant ?? refreshGrant ?? scopeField) === undefined) paramsIn = "body";
  return { grant, grantField, paramsIn, refreshGrant, scopeField };
}

/** The grant, refresh token and scope exist where they go, with values the spec allows. */
function checkGrant(context: ModelContext, model: GrantModel, spec: RequestSpec): void {
  const { document, report, extPointer } = context;
  const { grant, grantField, paramsIn, refreshGrant, scopeField } = model;
  if (paramsIn === "body" && !spec.hasBody && (grant ?? refreshGrant ?? scopeField) !== undefined)
    report(
      `${extPointer}/grant`,
      'the operation has no request body: declare one, or use grant: { value, in: "query" }',
    );
  /** The schema of a parameter where the grant goes, or undefined with a problem reported. */
  const paramSchema = (name: string, at: string): { schema: unknown } | undefined => {
    if (paramsIn === "query") {
      const found = spec.query.get(name);
      if (!found)
        report(at, `query parameter "${name}" is not declared in the operation's parameters`);
      return found;
    }
    if (!spec.bodyProperties.has(name)) {
      if (spec.hasBody) report(at, `field "${name}" is not a property of the request body schema`);
      return undefined;
    }
    return { schema: resolve(document, spec.bodyProperties.get(name)) };
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
        ? grantValues(document, spec.bodySchema, grantField)
        : allowedValues(found.schema);
    if (allowed !== undefined && allowed.size > 0 && !allowed.has(value))
      report(
        at,
        `grant "${value}" is not an allowed ${grantField} value (enum or const) of the spec`,
      );
  }
  if (grant === undefined && paramsIn === "body" && spec.bodyProperties.has(grantField))
    report(
      `${extPointer}/grant`,
      `the request body has a ${grantField} field: name its value with grant`,
    );
  if (refreshGrant !== undefined) paramSchema("refresh_token", `${extPointer}/refreshGrant`);
  if (scopeField !== undefined) paramSchema(scopeField, `${extPointer}/scope`);
}

/**
 * Everything the spec requires must be sent, or the generated call would not compile (a required
 * query or header parameter) or the provider would refuse it (a required body field).
 */
export function checkEverythingRequiredIsSent(
  context: ModelContext,
  spec: RequestSpec,
  model: GrantModel,
  credentials: readonly CredentialModel[],
  constants: readonly ConstantModel[],
  computedFields: { readonly header: readonly string[]; readonly body: readonly string[] },
): void {
  const { document, report, opPointer, extPointer } = context;
  const { grant, grantField, paramsIn } = model;
  const supplied = { query: new Set<string>(), header: new Set<string>(), body: new Set<string>() };
  for (const c of credentials) {
    if (c.in === "query" && c.required) supplied.query.add(c.field);
    if (c.in === "header" && c.required) supplied.header.add(c.header.toLowerCase());
    if (c.in === "body" && c.required) supplied.body.add(c.field);
  }
  for (const c of constants) supplied[c.in].add(c.in === "header" ? c.name.toLowerCase() : c.name);
  for (const field of computedFields.body) supplied.body.add(field);
  for (const header of computedFields.header) supplied.header.add(header);
  if (grant !== undefined) supplied[paramsIn === "body" ? "body" : "query"].add(grantField);
  for (const [name, parameter] of spec.query)
    if (parameter.required && !supplied.query.has(name))
      report(
        `${opPointer}/parameters`,
        `query parameter "${name}" is required, but x-token-exchange sends no value for it; add a credential (in: query), a constant, or make it optional`,
      );
  for (const [lower, parameter] of spec.headers)
    if (parameter.required && !supplied.header.has(lower) && !CORE_HEADERS.has(lower))
      report(
        `${opPointer}/parameters`,
        `header parameter "${parameter.name}" is required, but x-token-exchange sends no value for it; add a credential (in: header) or a constant`,
      );
  if (!spec.hasBody || spec.bodySchema === undefined) return;
  const alternatives = requiredAlternatives(document, spec.bodySchema, grantField).filter(
    (a) => grant === undefined || paramsIn !== "body" || !a.allows || a.allows.has(grant),
  );
  const missing = alternatives
    .map((a) => [...a.required].filter((name) => !supplied.body.has(name)))
    .sort((a, b) => a.length - b.length)[0];
  const them = (list: string[]) => (list.length > 1 ? "them" : "it");
  if (alternatives.length === 0)
    report(
      `${extPointer}/grant`,
      `no branch of the request body schema allows ${grantField} "${grant}"`,
    );
  else if (missing && missing.length > 0)
    report(
      `${opPointer}/requestBody`,
      `the request body requires ${missing.map((m) => `"${m}"`).join(", ")}, but x-token-exchange sends no value for ${them(missing)}; add a required credential (in: body) or a constant, or make ${them(missing)} optional`,
    );
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
