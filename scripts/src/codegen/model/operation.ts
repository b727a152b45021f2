import { isObject, type JsonObject } from "../load-spec.ts";
import type { ModelContext } from "./context.ts";
import { collectProperties, resolve } from "./schema.ts";

/**
 * The token operation's HTTP shape as the spec itself declares it (parameters, body, security
 * schemes), before the extension is read. Request and credential reading both start from it.
 */

export interface Parameter {
  readonly required: boolean;
  readonly schema: unknown;
}

/** What the spec itself declares about the token request, before the extension is read. */
export interface RequestSpec {
  readonly query: Map<string, Parameter>;
  /** By lower-cased name. */
  readonly headers: Map<string, Parameter & { name: string }>;
  readonly hasBody: boolean;
  readonly bodyEncoding: "form" | "json" | undefined;
  readonly bodyMediaType: string | undefined;
  readonly bodySchema: unknown;
  readonly bodyProperties: Map<string, unknown>;
  readonly hasBasicScheme: boolean;
  readonly apiKeySchemes: { scheme: string; in: "header" | "query"; name: string }[];
}

/** Parameters (path item's and operation's), the body's one media type, and the security schemes. */
export function readRequestSpec(
  context: ModelContext,
  method: string,
  operation: JsonObject,
  pathItem: JsonObject,
): RequestSpec {
  const { document, report, opPointer } = context;
  const query = new Map<string, Parameter>();
  const headers = new Map<string, Parameter & { name: string }>();
  [pathItem.parameters, operation.parameters].forEach((list, listIndex) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const parameter = resolve(document, raw);
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
          `${listIndex === 0 ? opPointer.replace(/\/[^/]+$/, "") : opPointer}/parameters/${index}`,
          "path parameters are not supported on the token operation; put the value in the path",
        );
    });
  });

  const body = resolve(document, operation.requestBody);
  let bodyEncoding: RequestSpec["bodyEncoding"];
  let bodyMediaType: string | undefined;
  let bodySchema: unknown;
  if (isObject(body)) {
    if (method === "get")
      report(`${opPointer}/requestBody`, "a GET token operation cannot have a request body");
    const content = isObject(body.content) ? body.content : {};
    const media = Object.keys(content);
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
      const mediaObject = resolve(document, content[bodyMediaType]);
      bodySchema = isObject(mediaObject) ? resolve(document, mediaObject.schema) : undefined;
    }
  }

  const schemes =
    isObject(document.components) && isObject(document.components.securitySchemes)
      ? document.components.securitySchemes
      : {};
  const requirements = Array.isArray(operation.security) ? operation.security.filter(isObject) : [];
  const apiKeySchemes: RequestSpec["apiKeySchemes"] = [];
  let hasBasicScheme = false;
  for (const name of new Set(requirements.flatMap((r) => Object.keys(r)))) {
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
  return {
    query,
    headers,
    hasBody: isObject(body),
    bodyEncoding,
    bodyMediaType,
    bodySchema,
    bodyProperties: collectProperties(document, bodySchema),
    hasBasicScheme,
    apiKeySchemes,
  };
}
