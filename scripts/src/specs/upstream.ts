import { parse } from "yaml";
import { isObject, type JsonObject } from "../codegen/load-spec.ts";

/** The OpenAPI document a provider published, as found in its upstream file. */
export interface UpstreamDocument {
  /** Where the document came from inside the file, for reports. */
  readonly source: "whole file" | "embedded block" | "prose only";
  /** `{}` when the provider publishes prose only: the overlay then builds the spec from its facts. */
  readonly document: JsonObject;
}

/**
 * Finds the OpenAPI document in a provider's published file: the file itself (JSON or YAML), or the
 * first fenced ```json / ```yaml block of a documentation page whose content is an OpenAPI
 * document. A page without one yields an empty document.
 */
export function readUpstream(text: string): UpstreamDocument {
  const whole = tryParse(text);
  if (isOpenApi(whole)) return { source: "whole file", document: whole };
  for (const match of text.matchAll(/^```(?:json|ya?ml)[^\n]*\n([\s\S]*?)^```/gm)) {
    const block = tryParse(match[1]!);
    if (isOpenApi(block)) return { source: "embedded block", document: block };
  }
  return { source: "prose only", document: {} };
}

function tryParse(text: string): unknown {
  try {
    return parse(text, { uniqueKeys: false });
  } catch {
    return undefined;
  }
}

function isOpenApi(value: unknown): value is JsonObject {
  return isObject(value) && typeof value.openapi === "string";
}
