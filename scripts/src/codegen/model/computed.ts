import { isObject, type JsonObject } from "../load-spec.ts";
import { PROTOTYPE_NAMES } from "../emit.ts";
import { checkKeys, HTTP_TOKEN, IDENTIFIER, type ModelContext } from "./context.ts";
import type { CredentialModel } from "./credentials.ts";
import type { RequestSpec } from "./operation.ts";

const KINDS = ["timestamp", "nonce", "hash", "hmac", "rsa-oaep"] as const;
const FORMATS = ["unix-seconds", "unix-milliseconds", "iso8601"] as const;
const PLACEHOLDER = /\{([a-z][A-Za-z0-9]*)\}/g;

/** One value computed per request (a timestamp, a nonce, a checksum, an encrypted signature). */
export interface ComputedValueModel {
  readonly name: string;
  readonly in: "header" | "body" | "none";
  readonly field?: string;
  readonly kind: (typeof KINDS)[number];
  readonly format?: (typeof FORMATS)[number];
  readonly algorithm?: "SHA-1" | "SHA-256" | "SHA-512";
  readonly message?: string;
  readonly key?: string;
  readonly encoding?: "hex" | "base64";
}

/**
 * Reads `computed`: each value's kind and its options agree, its `message` names only
 * credentials, earlier values and (outside the body) `{body}`, an HMAC key is a secret credential,
 * and it goes to a header or body field the operation has. Returns the values and the fields they
 * supply (for the "everything required is sent" check).
 */
export function readComputed(
  context: ModelContext,
  extension: JsonObject,
  spec: RequestSpec,
  credentials: readonly CredentialModel[],
): { computed: ComputedValueModel[]; supplies: { header: string[]; body: string[] } } {
  const { report, extPointer } = context;
  const supplies = { header: [] as string[], body: [] as string[] };
  const computed: ComputedValueModel[] = [];
  const raw = extension.computed;
  if (raw === undefined) return { computed, supplies };
  if (!Array.isArray(raw)) {
    report(`${extPointer}/computed`, "must be a list of { name, in, kind, … }");
    return { computed, supplies };
  }
  if (extension.assertion !== undefined)
    report(
      `${extPointer}/computed`,
      "a spec has either an assertion or computed values, not both (yet)",
    );
  const known = new Set<string>();
  raw.forEach((entry, index) => {
    const at = `${extPointer}/computed/${index}`;
    if (!isObject(entry)) return report(at, "must be a mapping with name, in and kind");
    checkKeys(
      context,
      entry,
      ["name", "in", "field", "kind", "format", "algorithm", "message", "key", "encoding"],
      at,
    );
    const { name, kind } = entry;
    let ok = true;
    const problem = (where: string, message: string) => {
      report(where, message);
      ok = false;
    };
    if (
      typeof name !== "string" ||
      !IDENTIFIER.test(name) ||
      PROTOTYPE_NAMES.has(name) ||
      name === "body"
    )
      problem(
        `${at}/name`,
        "must be a camelCase name (not body) that later messages can use as {name}",
      );
    else if (known.has(name) || credentials.some((c) => c.name === name))
      problem(`${at}/name`, `"${name}" is already a credential or an earlier computed value`);
    if (!KINDS.includes(kind as never)) problem(`${at}/kind`, `must be one of ${KINDS.join(", ")}`);
    const place = entry.in;
    if (place !== "header" && place !== "body" && place !== "none")
      problem(`${at}/in`, 'must be "header", "body" or "none"');
    const field = entry.field;
    if (place === "header") {
      if (typeof field !== "string" || !HTTP_TOKEN.test(field))
        problem(`${at}/field`, "must be a header name");
      else supplies.header.push(field.toLowerCase());
    } else if (place === "body") {
      if (typeof field !== "string" || !spec.bodyProperties.has(field))
        problem(`${at}/field`, "must name a field of the request body schema");
      else supplies.body.push(field);
    } else if (field !== undefined)
      problem(`${at}/field`, "a value kept for later (in: none) has no field");
    if (
      entry.format !== undefined &&
      (kind !== "timestamp" || !FORMATS.includes(entry.format as never))
    )
      problem(`${at}/format`, `only a timestamp has a format: ${FORMATS.join(", ")}`);
    const algorithms = kind === "rsa-oaep" ? ["SHA-1", "SHA-256"] : ["SHA-256", "SHA-512"];
    if (
      entry.algorithm !== undefined &&
      (!["hash", "hmac", "rsa-oaep"].includes(String(kind)) ||
        !algorithms.includes(String(entry.algorithm)))
    )
      problem(`${at}/algorithm`, `must be one of ${algorithms.join(", ")} for a ${String(kind)}`);
    const needsMessage = kind === "hash" || kind === "hmac" || kind === "rsa-oaep";
    const message = entry.message;
    if (needsMessage !== (message !== undefined))
      problem(
        `${at}/message`,
        needsMessage
          ? "say what is hashed, signed or encrypted"
          : `a ${String(kind)} has no message`,
      );
    if (typeof message === "string") {
      if (/[{}]/.test(message.replace(PLACEHOLDER, "")))
        problem(
          `${at}/message`,
          "placeholders are {name}: a credential, an earlier computed value or {body}",
        );
      for (const [, reference] of message.matchAll(PLACEHOLDER)) {
        const credential = credentials.find((c) => c.name === reference);
        if (reference === "body") {
          if (place === "body")
            problem(`${at}/message`, "a body field cannot sign the body it is part of");
        } else if (credential === undefined && !known.has(reference!))
          problem(
            `${at}/message`,
            `{${reference}} is neither a credential nor an earlier computed value`,
          );
        else if (credential !== undefined && !credential.required)
          problem(
            `${at}/message`,
            `{${reference}} is an optional credential; a message needs a value every time`,
          );
      }
    } else if (message !== undefined) problem(`${at}/message`, "must be a string");
    const needsKey = kind === "hmac" || kind === "rsa-oaep";
    const key = credentials.find((c) => c.name === entry.key);
    if (needsKey !== (entry.key !== undefined))
      problem(
        `${at}/key`,
        needsKey ? "name the credential holding the key" : `a ${String(kind)} has no key`,
      );
    else if (needsKey && (key === undefined || !key.required))
      problem(`${at}/key`, "must name a required credential");
    else if (kind === "hmac" && key !== undefined && !key.secret)
      problem(`${at}/key`, "an HMAC key is a secret: remove secret: false from the credential");
    if (
      entry.encoding !== undefined &&
      (!needsMessage || !["hex", "base64"].includes(String(entry.encoding)))
    )
      problem(`${at}/encoding`, 'must be "hex" or "base64", for a hash, hmac or rsa-oaep');
    if (place === "body" && computed.some((c) => c.message?.includes("{body}")))
      problem(`${at}/in`, "a body value must come before every value whose message signs {body}");
    if (typeof name === "string") known.add(name);
    if (!ok) return;
    computed.push({
      name: name as string,
      in: place as ComputedValueModel["in"],
      ...(place !== "none" ? { field: field as string } : {}),
      kind: kind as ComputedValueModel["kind"],
      ...(entry.format !== undefined
        ? { format: entry.format as ComputedValueModel["format"] }
        : {}),
      ...(entry.algorithm !== undefined
        ? { algorithm: entry.algorithm as ComputedValueModel["algorithm"] }
        : {}),
      ...(typeof message === "string" ? { message } : {}),
      ...(entry.key !== undefined ? { key: String(entry.key) } : {}),
      ...(entry.encoding !== undefined ? { encoding: entry.encoding as "hex" | "base64" } : {}),
    });
  });
  return { computed, supplies };
}
