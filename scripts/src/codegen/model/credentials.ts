import { isObject, type JsonObject } from "../load-spec.ts";
import {
  asObject,
  checkKeys,
  HTTP_TOKEN,
  IDENTIFIER,
  type ModelContext,
  TEMPLATE_PLACEHOLDER,
} from "./context.ts";
import type { RequestSpec } from "./operation.ts";
import { PROTOTYPE_NAMES } from "../emit.ts";
import { allowedValues, resolve, schemaTypes } from "./schema.ts";
import { RESERVED_OPTIONS } from "./servers.ts";

/** Printable ASCII, no leading or trailing space: what every HTTP stack carries the same way. */
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

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
  | (CredentialCommon & { in: "query"; field: string })
  /** Never sent itself: the key that signs an assertion, or a value only templates use. */
  | (CredentialCommon & { in: "none" });

export interface ConstantModel {
  in: "header" | "query" | "body";
  name: string;
  /** Numbers and booleans only in a JSON body. */
  value: string | number | boolean;
  /** For a template (`urn:acme:{accountId}`): the names it uses, in order. */
  references?: string[];
  /** The names it gives a default (`{region=eu}`): they may be optional. */
  defaulted?: string[];
}

/** The caller's credentials, each checked against where the spec says it goes. */
export function readCredentials(
  context: ModelContext,
  extension: JsonObject,
  spec: RequestSpec,
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
    if (PROTOTYPE_NAMES.has(name))
      return report(
        `${at}/name`,
        `"${name}" is a property of every JavaScript object; pick another credential name`,
      );
    if (raw.secret !== undefined && typeof raw.secret !== "boolean")
      return report(`${at}/secret`, "must be true or false");
    if (raw.in === "basic" && raw.part === "password" && raw.secret === false)
      return report(
        `${at}/secret`,
        "the HTTP Basic password is always secret; remove secret: false",
      );
    if (names.has(name)) return report(`${at}/name`, `duplicate credential name "${name}"`);
    names.add(name);
    const common = {
      name,
      // Secret unless the spec says otherwise: a credential a spec forgot to mark never reaches a
      // cache key, an event or an error.
      secret: raw.secret !== false,
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
    } else if (raw.in === "none") {
      credentials.push({ ...common, in: "none" });
    } else {
      report(
        `${at}/in`,
        `must be "basic", "header", "query", "body" or "none", found ${JSON.stringify(raw.in)}`,
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

/** Fixed parameters, each checked against the parameter or field it fills. */
export function readConstants(
  context: ModelContext,
  extension: JsonObject,
  spec: RequestSpec,
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
    const json = place === "body" && spec.bodyEncoding === "json";
    const other =
      typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
    if (typeof value !== "string" && !(json && other))
      return report(
        `${at}/value`,
        json
          ? "must be a string, a number or a boolean"
          : "must be a string (quote numbers and booleans: only a JSON body carries other types)",
      );
    let references: string[] | undefined;
    let defaulted: string[] | undefined;
    if (typeof value === "string" && /[{}]/.test(value)) {
      if (/[{}]/.test(value.replace(TEMPLATE_PLACEHOLDER, "")))
        return report(
          `${at}/value`,
          "a template's placeholders are {name} or {name=default}, a server variable or a credential (camelCase); no other braces",
        );
      references = [...value.matchAll(TEMPLATE_PLACEHOLDER)].map((m) => m[1]!);
      defaulted = [...value.matchAll(TEMPLATE_PLACEHOLDER)].filter((m) => m[2]).map((m) => m[1]!);
    }
    let schema: unknown;
    if (place === "header") {
      if (!HTTP_TOKEN.test(name)) return report(`${at}/name`, "must be a header name");
      if (/^(authorization|content-type)$/i.test(name))
        return report(`${at}/name`, `${name} is set by the client itself; remove this constant`);
      if (!HEADER_VALUE.test(value as string))
        return report(
          `${at}/value`,
          "a header value must be printable ASCII without leading or trailing spaces",
        );
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
    // A template's value is known only at createAuth; its fixed text is checked above.
    const allowed = references ? undefined : allowedValues(schema);
    if (allowed && !allowed.has(value))
      report(
        `${at}/value`,
        `${JSON.stringify(value)} is not allowed by the spec (${[...allowed].map((v) => JSON.stringify(v)).join(", ")})`,
      );
    const types = schemaTypes(schema);
    const type =
      typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
    const fits = types.includes(type) || (type === "integer" && types.includes("number"));
    if (types.length > 0 && !fits)
      report(
        `${at}/value`,
        `the spec says ${name} is ${types.join(" or ")}; this constant is ${typeof value === "number" ? "a number" : `a ${type}`}`,
      );
    constants.push({
      in: place,
      name,
      value,
      ...(references ? { references } : {}),
      ...(defaulted?.length ? { defaulted } : {}),
    });
  });
  return constants;
}
