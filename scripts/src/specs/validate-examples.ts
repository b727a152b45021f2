import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { isObject, type JsonObject } from "../codegen/load-spec.ts";
import { resolve } from "../codegen/model/model.ts";
import { pointer, type Problem } from "../codegen/problems.ts";

// ajv-formats is CommonJS; its default export arrives wrapped under Node's ESM interop.
type AddFormats = (ajv: Ajv2020) => unknown;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Makes an ajv instance that understands OpenAPI 3.1 schemas inside `document`. */
export function createSpecValidator(document: JsonObject) {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  addFormats(ajv);
  ajv.addFormat("password", true);
  ajv.addSchema({ ...document, $id: "spec" });
  return (schemaPointer: string) => ajv.compile({ $ref: `spec#${schemaPointer}` });
}

/**
 * Validates every request and response example of a spec against its media type's schema, and
 * requires an example on each request body and each 2xx response.
 */
export function validateExamples(file: string, document: JsonObject): Problem[] {
  const problems: Problem[] = [];
  const compile = createSpecValidator(document);
  const paths = isObject(document.paths) ? document.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const targets: { at: (string | number)[]; node: unknown; requireExample: boolean }[] = [];
      if (operation.requestBody !== undefined) {
        targets.push({
          at: ["paths", path, method, "requestBody"],
          node: operation.requestBody,
          requireExample: true,
        });
      }
      const responses = isObject(operation.responses) ? operation.responses : {};
      for (const [status, response] of Object.entries(responses)) {
        targets.push({
          at: ["paths", path, method, "responses", status],
          node: response,
          requireExample: status.startsWith("2"),
        });
      }
      for (const target of targets) {
        const resolved = resolve(document, target.node);
        if (!isObject(resolved) || !isObject(resolved.content)) continue;
        for (const [mediaType, media] of Object.entries(resolved.content)) {
          if (!isObject(media)) continue;
          const mediaAt = [...target.at, "content", mediaType];
          const examples = collectExamples(document, media);
          if (examples.length === 0 && target.requireExample) {
            problems.push({
              file,
              pointer: pointer(...mediaAt),
              message: "has no example; add one that validates against the schema",
            });
          }
          if (media.schema === undefined) continue;
          const validate = compile(pointer(...mediaAt, "schema"));
          for (const example of examples) {
            if (validate(example.value)) continue;
            for (const error of validate.errors ?? []) {
              problems.push({
                file,
                pointer: pointer(...mediaAt, ...example.at) + error.instancePath,
                message: `example does not match its schema: ${error.message ?? "invalid"}${
                  error.params && "additionalProperty" in error.params
                    ? ` (${String(error.params.additionalProperty)})`
                    : ""
                }`,
              });
            }
          }
        }
      }
    }
  }
  return problems;
}

function collectExamples(
  document: JsonObject,
  media: JsonObject,
): { at: (string | number)[]; value: unknown }[] {
  const found: { at: (string | number)[]; value: unknown }[] = [];
  if ("example" in media) found.push({ at: ["example"], value: media.example });
  if (isObject(media.examples)) {
    for (const [name, example] of Object.entries(media.examples)) {
      const resolved = resolve(document, example);
      if (isObject(resolved) && "value" in resolved)
        found.push({ at: ["examples", name, "value"], value: resolved.value });
    }
  }
  return found;
}
