import { isObject, type JsonObject } from "../load-spec.ts";
import {
  asObject,
  checkKeys,
  HTTP_TOKEN,
  type ModelContext,
  TEMPLATE_PLACEHOLDER,
} from "./context.ts";
import {
  allowedValues,
  collectProperties,
  fieldSegments,
  resolve,
  schemaAt,
  schemaTypes,
} from "./schema.ts";

const EXPIRY_KINDS = [
  "relative-seconds",
  "relative-milliseconds",
  "relative-duration",
  "absolute-seconds",
  "absolute-milliseconds",
  "absolute-auto",
  "absolute-iso8601",
];
/** Kinds whose field is text (an ISO 8601 date-time or duration), not a number. */
const TEXT_EXPIRY_KINDS = ["relative-duration", "absolute-iso8601"];
/** A stated lifetime above a year is a typo (the runtime cap is 24 h anyway). */
const MAX_STATED_LIFETIME_SECONDS = 31_536_000;
/** Refresh tokens live longer (banks: 90 days to a year); above five years is a typo. */
const MAX_REFRESH_LIFETIME_SECONDS = 5 * 31_536_000;
const FAILURE_KINDS = ["credentials", "rate_limited", "temporary", "failure"];
const RESPONSE_KEYS = ["accessToken", "tokenType", "refreshToken", "scope"] as const;

export interface FailureRuleModel {
  status: number[];
  pointer?: string;
  equals?: (string | number | boolean | null)[];
  kind: string;
}

/** The token response as the spec and its extension describe it. */
export interface ResponseModel {
  readonly response: {
    accessToken: string;
    tokenType?: string;
    refreshToken?: string;
    scope?: string;
  };
  readonly expiry?: {
    field?: string;
    kind: string;
    jwtExp: boolean;
    lifetimeSeconds?: number;
    refreshLifetimeSeconds?: number;
  };
  /** How the expiry field is typed on the wire: a number, a decimal string, or text (a date or duration). */
  readonly expiryWire?: "number" | "string" | "text";
  readonly failures?: { rules?: FailureRuleModel[]; message?: string; code?: string };
  readonly presentation?: {
    header?: string;
    scheme?: string;
    template?: string;
    encoding?: "base64";
  };
  readonly errorStatuses: string[];
  /** Media type of the 200 response. */
  readonly okMediaType: string;
  /** Where the token is when it is not a JSON field: the whole text body, or a response header. */
  readonly tokenFrom?:
    { readonly from: "body" } | { readonly from: "header"; readonly header: string };
}

/** Reads and checks the response side: field pointers, expiry, failure rules and how the token is presented. */
export function readResponse(
  context: ModelContext,
  operation: JsonObject,
  extension: JsonObject,
): ResponseModel {
  const { document, report, opPointer, extPointer } = context;
  const responses = isObject(operation.responses) ? operation.responses : {};
  const schemaOf = (status: string) => {
    const response = resolve(document, responses[status]);
    const content = isObject(response) && isObject(response.content) ? response.content : {};
    const mediaType = Object.keys(content).find((m) => /^application\/(.+\+)?json\b/.test(m));
    const media = mediaType ? resolve(document, content[mediaType]) : undefined;
    return {
      mediaType,
      schema: isObject(media) ? resolve(document, media.schema) : undefined,
      example: isObject(media) ? media.example : undefined,
    };
  };
  const ok = schemaOf("200");
  // The token may be the whole text body or a response header instead of a JSON field.
  const rawMapping = isObject(extension.response) ? extension.response : {};
  const tokenFrom = readTokenFrom(context, rawMapping.accessToken, responses);
  if (!isObject(ok.schema) && tokenFrom?.from !== "body")
    report(
      `${opPointer}/responses/200`,
      "the token operation needs a 200 application/json response with a schema",
    );

  /** Checks that `field` (name or pointer) exists in the 200 schema; returns its schema. */
  const field200 = (
    field: unknown,
    at: string,
  ): { schema: unknown; required: boolean } | undefined => {
    if (typeof field !== "string" || field === "" || field === "/") {
      report(at, "must be a field name or a JSON Pointer such as /data/accessToken");
      return undefined;
    }
    if (!isObject(ok.schema)) return undefined;
    const found = schemaAt(document, ok.schema, field);
    if ("missing" in found) {
      report(
        at,
        field.startsWith("/")
          ? `response field ${JSON.stringify(field)}: "${found.missing}" is not a property of the 200 response schema at that level`
          : `response field ${JSON.stringify(field)} is not a property of the 200 response schema${field.includes(".") ? `; a nested field is a JSON Pointer: write ${JSON.stringify(`/${field.split(".").join("/")}`)}` : ""}`,
      );
      return undefined;
    }
    return found;
  };

  const failures = readFailures(context, extension, schemaOf, Object.keys(responses));
  // A provider that fails inside a 2xx envelope cannot require the token in its 200 schema.
  const failsInside2xx = (failures?.rules ?? []).some((r) => r.status.some((s) => s < 300));
  const response: ResponseModel["response"] = { accessToken: "" };
  let tokenTypeValues: unknown[] = [];
  const mapping = extension.response;
  if (!isObject(mapping))
    report(
      `${extPointer}/response`,
      "map accessToken (and optionally tokenType, refreshToken, scope) to response fields",
    );
  else {
    checkKeys(context, mapping, RESPONSE_KEYS, `${extPointer}/response`);
    for (const key of RESPONSE_KEYS) {
      const field = mapping[key];
      if (field === undefined) continue;
      if (key === "accessToken" && tokenFrom !== undefined) {
        response.accessToken =
          tokenFrom.from === "body" ? "body:text" : `header:${tokenFrom.header.toLowerCase()}`;
        continue;
      }
      if (tokenFrom?.from === "body") {
        report(`${extPointer}/response/${key}`, "a text/plain token response has no other fields");
        continue;
      }
      const at = `${extPointer}/response/${key}`;
      const found = field200(field, at);
      if (typeof field === "string") response[key] = field;
      if (!found) continue;
      const types = schemaTypes(found.schema);
      const fits = key === "scope" ? ["string", "array"] : ["string"];
      if (types.length > 0 && !types.some((t) => fits.includes(t)))
        report(
          at,
          `response field "${field}" must be a ${key === "scope" ? "string or an array" : "string"} in the 200 schema`,
        );
      if (key === "tokenType")
        tokenTypeValues = [...documentedValues(found.schema), exampleAt(ok.example, String(field))];
      if (key === "accessToken" && !found.required && !failsInside2xx)
        report(
          at,
          `"${field}" must be listed in its object's required in the 200 schema (unless a failures rule says which 2xx answers carry no token)`,
        );
    }
    if (typeof mapping.accessToken !== "string" && !isObject(mapping.accessToken))
      report(`${extPointer}/response/accessToken`, "is required");
  }

  // Expiry: a number, or a string the spec constrains to digits; a date-time or duration string;
  // or no field and a lifetime the spec states.
  let expiry: ResponseModel["expiry"];
  let expiryWire: ResponseModel["expiryWire"];
  if (extension.expiry !== undefined) {
    const at = `${extPointer}/expiry`;
    const raw = asObject(extension.expiry);
    if (!raw) report(at, "must be a mapping with kind and field, or lifetimeSeconds");
    else {
      checkKeys(
        context,
        raw,
        ["field", "kind", "jwtExp", "lifetimeSeconds", "refreshLifetimeSeconds"],
        at,
      );
      // Without a field, the kind says nothing: it may be left out.
      const kind = raw.kind ?? (raw.field === undefined ? "relative-seconds" : undefined);
      if (typeof kind !== "string" || !EXPIRY_KINDS.includes(kind))
        report(`${at}/kind`, `must be one of ${EXPIRY_KINDS.join(", ")}`);
      const text = typeof kind === "string" && TEXT_EXPIRY_KINDS.includes(kind);
      if (raw.field !== undefined) {
        const found = field200(raw.field, `${at}/field`);
        if (found) {
          expiryWire = text ? textWireType(found.schema) : expiryWireType(found.schema);
          if (expiryWire === undefined)
            report(
              `${at}/field`,
              text
                ? `response field "${String(raw.field)}" must be a string in the 200 schema (kind ${String(kind)} reads ${kind === "absolute-iso8601" ? "an RFC 3339 date-time such as 2026-12-01T10:00:00Z; add format: date-time" : "an ISO 8601 duration such as PT3600S"})`
                : `response field "${String(raw.field)}" must be an integer or number in the 200 schema, or a string with a numeric pattern such as ^[0-9]+$`,
            );
        }
      }
      if (raw.jwtExp !== undefined && typeof raw.jwtExp !== "boolean")
        report(`${at}/jwtExp`, "must be true or false");
      /** A documented number of seconds: whole, from 1 to `max`; reported where it is not. */
      const seconds = (key: string, max: number, what: string) => {
        const value = raw[key];
        if (
          value !== undefined &&
          (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max)
        )
          report(`${at}/${key}`, `must be a whole number of seconds from 1 to ${max} (${what})`);
        return value;
      };
      const lifetime = seconds(
        "lifetimeSeconds",
        MAX_STATED_LIFETIME_SECONDS,
        "the lifetime the provider documents",
      );
      const refreshLifetime = seconds(
        "refreshLifetimeSeconds",
        MAX_REFRESH_LIFETIME_SECONDS,
        "how long a refresh token stays usable, as the provider documents it",
      );
      if (raw.field === undefined && lifetime === undefined && raw.jwtExp !== true)
        report(
          at,
          "names no field, no lifetimeSeconds and no jwtExp: say where expiry comes from, or leave expiry out (a 5-minute lifetime is then assumed)",
        );
      expiry = {
        kind: String(kind),
        jwtExp: raw.jwtExp === true,
        ...(typeof raw.field === "string" ? { field: raw.field } : {}),
        ...(typeof lifetime === "number" ? { lifetimeSeconds: lifetime } : {}),
        ...(typeof refreshLifetime === "number" ? { refreshLifetimeSeconds: refreshLifetime } : {}),
      };
    }
  }

  const errorStatuses = Object.keys(responses).filter((s) => /^[45]\d\d$/.test(s));
  const presentation = readPresentation(context, extension);
  // A mapped token type becomes the scheme of every API call unless the spec states one: a
  // provider documenting `token_type: "access_token"` would get `Authorization: access_token …`.
  const notScheme = tokenTypeValues.find(
    (v) => typeof v === "string" && v.toLowerCase() !== "bearer",
  );
  if (notScheme !== undefined && presentation?.scheme === undefined)
    report(
      `${extPointer}/response/tokenType`,
      `the spec documents the token type ${JSON.stringify(notScheme)}, which would become the scheme of every API call ("${String(notScheme)} <token>"); state presentation.scheme (for example Bearer), or leave tokenType out`,
    );
  return {
    response,
    ...(expiry ? { expiry } : {}),
    ...(expiryWire ? { expiryWire } : {}),
    ...(failures ? { failures } : {}),
    ...(presentation ? { presentation } : {}),
    errorStatuses,
    okMediaType: ok.mediaType ?? "application/json",
    ...(tokenFrom ? { tokenFrom } : {}),
  };
}

/** "text" for a string schema (a date-time or duration is read as text). */
function textWireType(schema: unknown): "text" | undefined {
  const types = schemaTypes(schema).filter((t) => t !== "null");
  return types.length > 0 && types.every((t) => t === "string") ? "text" : undefined;
}

/** "number" for integer/number schemas, "string" for a string whose pattern accepts digits only. */
function expiryWireType(schema: unknown): "number" | "string" | undefined {
  const types = schemaTypes(schema).filter((t) => t !== "null");
  if (types.length === 0) return undefined;
  if (types.every((t) => t === "integer" || t === "number")) return "number";
  if (!types.includes("string") || !types.every((t) => ["integer", "number", "string"].includes(t)))
    return undefined;
  const pattern =
    isObject(schema) && typeof schema.pattern === "string" ? schema.pattern : undefined;
  if (pattern === undefined) return undefined;
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
  // A numeric pattern accepts a plain count of seconds and rejects words and signs.
  return regex.test("3599") && !regex.test("abc") && !regex.test("-1") && !regex.test("")
    ? "string"
    : undefined;
}

function readFailures(
  context: ModelContext,
  extension: JsonObject,
  schemaOf: (status: string) => { schema: unknown },
  documented: string[],
): ResponseModel["failures"] {
  const { report, extPointer, document } = context;
  if (extension.failures === undefined) return undefined;
  const at = `${extPointer}/failures`;
  const raw = asObject(extension.failures);
  if (!raw) {
    report(at, "must be a mapping with rules (and optionally message, code)");
    return undefined;
  }
  checkKeys(context, raw, ["rules", "message", "code"], at);
  const result: NonNullable<ResponseModel["failures"]> = {};
  /** A pointer must exist in at least one documented response body. */
  const documentedSomewhere = (pointer: string) =>
    documented.some((status) => {
      const { schema } = schemaOf(status);
      return isObject(schema) && !("missing" in schemaAt(document, schema, pointer));
    });
  for (const key of ["message", "code"] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== "string" || !value.startsWith("/"))
      report(`${at}/${key}`, "must be a JSON Pointer such as /error/message");
    else if (!documentedSomewhere(value))
      report(
        `${at}/${key}`,
        `${value} is not a field of any documented response body; document it or fix the pointer`,
      );
    else result[key] = value;
  }
  if (raw.rules !== undefined) {
    if (!Array.isArray(raw.rules))
      report(`${at}/rules`, "must be a list of { status, pointer?, equals?, kind }");
    else {
      result.rules = [];
      raw.rules.forEach((entry, index) => {
        const ruleAt = `${at}/rules/${index}`;
        const rule = asObject(entry);
        if (!rule) return report(ruleAt, "must be a mapping with status and kind");
        checkKeys(context, rule, ["status", "pointer", "equals", "kind"], ruleAt);
        const statuses = (Array.isArray(rule.status) ? rule.status : [rule.status]).filter(
          (s): s is number => Number.isInteger(s) && (s as number) >= 200 && (s as number) <= 599,
        );
        if (
          statuses.length === 0 ||
          statuses.length !== (Array.isArray(rule.status) ? rule.status.length : 1)
        )
          return report(
            `${ruleAt}/status`,
            "must be an HTTP status from 200 to 599, or a list of them",
          );
        if (typeof rule.kind !== "string" || !FAILURE_KINDS.includes(rule.kind))
          return report(`${ruleAt}/kind`, `must be one of ${FAILURE_KINDS.join(", ")}`);
        const success = statuses.some((s) => s < 300);
        if (rule.pointer === undefined) {
          if (success)
            return report(
              ruleAt,
              "a rule for a 2xx status needs pointer and equals, or every successful response would be a failure",
            );
          if (rule.equals !== undefined)
            return report(`${ruleAt}/equals`, "equals needs a pointer");
          return result.rules!.push({ status: statuses, kind: rule.kind });
        }
        if (typeof rule.pointer !== "string" || !rule.pointer.startsWith("/"))
          return report(`${ruleAt}/pointer`, "must be a JSON Pointer such as /success");
        const equals = Array.isArray(rule.equals)
          ? rule.equals
          : rule.equals === undefined
            ? []
            : [rule.equals];
        if (
          equals.length === 0 ||
          !equals.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))
        )
          return report(
            `${ruleAt}/equals`,
            "give the value (or list of values) of the field that marks this failure",
          );
        for (const status of statuses) {
          const { schema } = schemaOf(String(status));
          if (!isObject(schema)) {
            if (success)
              report(`${ruleAt}/status`, `status ${status} has no documented JSON response`);
            continue;
          }
          if (collectProperties(document, schema).size === 0) continue;
          const found = schemaAt(document, schema, rule.pointer);
          if ("missing" in found)
            report(
              `${ruleAt}/pointer`,
              `${rule.pointer}: "${found.missing}" is not a property of the ${status} response schema; document the failure shape there`,
            );
        }
        result.rules!.push({
          status: statuses,
          pointer: rule.pointer,
          equals: equals as (string | number | boolean | null)[],
          kind: rule.kind,
        });
      });
    }
  }
  return result;
}

export function readPresentation(
  context: ModelContext,
  extension: JsonObject,
): ResponseModel["presentation"] {
  const { report, extPointer } = context;
  if (extension.presentation === undefined) return undefined;
  const at = `${extPointer}/presentation`;
  const raw = asObject(extension.presentation);
  if (!raw) {
    report(at, "must be a mapping with header and/or scheme");
    return undefined;
  }
  checkKeys(context, raw, ["header", "scheme", "template", "encoding"], at);
  const result: NonNullable<ResponseModel["presentation"]> = {};
  if (raw.template !== undefined) {
    const template = raw.template;
    if (
      typeof template !== "string" ||
      template.split("{token}").length !== 2 ||
      !/^[\x20-\x7e]*$/.test(template) ||
      /[{}]/.test(template.replace(TEMPLATE_PLACEHOLDER, ""))
    )
      report(
        `${at}/template`,
        "must hold {token} once, with printable ASCII and {name} placeholders around it (a credential or server variable)",
      );
    else result.template = template;
  }
  if (raw.encoding !== undefined) {
    if (raw.encoding !== "base64" || raw.template === undefined)
      report(`${at}/encoding`, 'must be "base64", with a template');
    else result.encoding = "base64";
  }
  if (raw.header !== undefined) {
    if (typeof raw.header !== "string" || !HTTP_TOKEN.test(raw.header))
      report(`${at}/header`, "must be a header name");
    else result.header = raw.header;
  }
  if (raw.scheme !== undefined) {
    if (typeof raw.scheme !== "string" || (raw.scheme !== "" && !HTTP_TOKEN.test(raw.scheme)))
      report(`${at}/scheme`, 'must be an auth scheme such as Bearer, or "" for the bare token');
    // Basic is a password scheme, unless the spec builds a credential-like value from the token.
    else if (/^(basic|digest|negotiate|ntlm)$/i.test(raw.scheme) && raw.template === undefined)
      report(
        `${at}/scheme`,
        `${raw.scheme} carries passwords, not tokens; use Bearer, another scheme, or ""`,
      );
    else result.scheme = raw.scheme;
  }
  return result;
}

/** Values a schema documents for a field: its enum or const, and its examples. */
function documentedValues(schema: unknown): unknown[] {
  if (!isObject(schema)) return [];
  return [
    ...(allowedValues(schema) ?? []),
    ...(schema.example !== undefined ? [schema.example] : []),
    ...(Array.isArray(schema.examples) ? schema.examples : []),
  ];
}

/** The value at a field name or JSON Pointer of an example; undefined when absent. */
function exampleAt(example: unknown, field: string): unknown {
  let node = example;
  for (const key of fieldSegments(field))
    node = isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
  return node;
}

/**
 * `accessToken: { from: body }` (the 200 answers text/plain: the whole body is the token) or
 * `{ from: header, header: X-Subject-Token }` (the 200 declares that header). Undefined for a
 * JSON field (a string), reported when malformed.
 */
function readTokenFrom(
  context: ModelContext,
  raw: unknown,
  responses: JsonObject,
): ResponseModel["tokenFrom"] {
  if (!isObject(raw)) return undefined;
  const { document, report, opPointer, extPointer } = context;
  const at = `${extPointer}/response/accessToken`;
  checkKeys(context, raw, ["from", "header"], at);
  const ok = resolve(document, responses["200"]);
  if (raw.from === "body") {
    const content = isObject(ok) && isObject(ok.content) ? Object.keys(ok.content) : [];
    if (!content.some((m) => /^text\/plain\b/.test(m))) {
      report(`${opPointer}/responses/200`, "a token from the body needs a 200 text/plain response");
      return undefined;
    }
    return { from: "body" };
  }
  if (raw.from === "header") {
    if (typeof raw.header !== "string" || !HTTP_TOKEN.test(raw.header)) {
      report(`${at}/header`, "must be a header name");
      return undefined;
    }
    const declared = isObject(ok) && isObject(ok.headers) ? Object.keys(ok.headers) : [];
    if (!declared.some((h) => h.toLowerCase() === String(raw.header).toLowerCase())) {
      report(`${at}/header`, `the 200 response does not declare the header "${raw.header}"`);
      return undefined;
    }
    return { from: "header", header: raw.header };
  }
  report(`${at}/from`, 'must be "body" (a text/plain token) or "header" (with header: its name)');
  return undefined;
}
