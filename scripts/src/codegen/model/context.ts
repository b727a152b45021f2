import { isObject, type JsonObject } from "../load-spec.ts";

/** What every part of the model reader shares: the document, where the extension is, and how to report. */
export interface ModelContext {
  readonly document: JsonObject;
  readonly opPointer: string;
  readonly extPointer: string;
  report(at: string, message: string): void;
}

/** camelCase option and environment names. */
export const IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;
/**
 * A template's placeholder: `{name}` or `{name=default}` (a camelCase credential or server
 * variable). Constants, assertion claims and presentations share it; core fills the same syntax.
 */
export const TEMPLATE_PLACEHOLDER = /\{([a-z][A-Za-z0-9]*)(=[^{}]*)?\}/g;
/** An HTTP header name or auth scheme (RFC 9110 token). */
export const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function checkKeys(
  context: ModelContext,
  object: JsonObject,
  allowed: readonly string[],
  at: string,
): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key))
      context.report(`${at}/${key}`, `unknown key "${key}"; allowed: ${allowed.join(", ")}`);
  }
}

export function optionalString(
  context: ModelContext,
  object: JsonObject,
  key: string,
  at: string,
): string | undefined {
  const value = object[key];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    context.report(`${at}/${key}`, "must be a non-empty string");
    return undefined;
  }
  return value;
}

export function asObject(value: unknown): JsonObject | undefined {
  return isObject(value) ? value : undefined;
}
