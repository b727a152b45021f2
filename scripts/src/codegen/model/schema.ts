import { isObject, type JsonObject } from "../load-spec.ts";

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

const BRANCHES = ["oneOf", "anyOf", "allOf"] as const;

/** Properties of an object schema, including every branch of oneOf/anyOf/allOf. */
export function collectProperties(
  document: JsonObject,
  schema: unknown,
  into = new Map<string, unknown>(),
): Map<string, unknown> {
  const resolved = resolve(document, schema);
  if (!isObject(resolved)) return into;
  if (isObject(resolved.properties))
    for (const [k, v] of Object.entries(resolved.properties)) into.set(k, v);
  for (const key of BRANCHES) {
    const branches = resolved[key];
    if (Array.isArray(branches))
      for (const branch of branches) collectProperties(document, branch, into);
  }
  return into;
}

/** Names listed in `required` by the schema or any of its branches. */
export function collectRequired(document: JsonObject, schema: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown, depth: number) => {
    const resolved = resolve(document, node);
    if (!isObject(resolved) || depth > 20) return;
    if (Array.isArray(resolved.required))
      for (const name of resolved.required) if (typeof name === "string") found.add(name);
    for (const key of BRANCHES) {
      const branches = resolved[key];
      if (Array.isArray(branches)) for (const branch of branches) visit(branch, depth + 1);
    }
  };
  visit(schema, 0);
  return found;
}

/**
 * The sets of fields a valid value must have: one per oneOf/anyOf alternative (allOf merged in),
 * each with the values the alternative allows for `discriminator` (undefined: any).
 */
export function requiredAlternatives(
  document: JsonObject,
  schema: unknown,
  discriminator: string,
): { required: Set<string>; allows?: Set<unknown> }[] {
  const resolved = resolve(document, schema);
  if (!isObject(resolved)) return [{ required: new Set() }];
  const own = new Set(
    Array.isArray(resolved.required)
      ? resolved.required.filter((n): n is string => typeof n === "string")
      : [],
  );
  const property = isObject(resolved.properties)
    ? resolve(document, resolved.properties[discriminator])
    : undefined;
  const ownAllows = allowedValues(property);
  let alternatives: { required: Set<string>; allows?: Set<unknown> }[] = [
    { required: own, ...(ownAllows ? { allows: ownAllows } : {}) },
  ];
  const merge = (
    a: { required: Set<string>; allows?: Set<unknown> },
    b: { required: Set<string>; allows?: Set<unknown> },
  ) => {
    const allows =
      a.allows && b.allows
        ? new Set([...a.allows].filter((v) => b.allows!.has(v)))
        : (a.allows ?? b.allows);
    return { required: new Set([...a.required, ...b.required]), ...(allows ? { allows } : {}) };
  };
  if (Array.isArray(resolved.allOf))
    for (const part of resolved.allOf) {
      const parts = requiredAlternatives(document, part, discriminator);
      alternatives = alternatives.flatMap((a) => parts.map((p) => merge(a, p)));
    }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = resolved[key];
    if (!Array.isArray(branches) || branches.length === 0) continue;
    const options = branches.flatMap((b) => requiredAlternatives(document, b, discriminator));
    alternatives = alternatives.flatMap((a) => options.map((o) => merge(a, o)));
  }
  return alternatives;
}

/** Values a schema allows by `const` or `enum`; undefined when it does not restrict them. */
export function allowedValues(schema: unknown): Set<unknown> | undefined {
  if (!isObject(schema)) return undefined;
  if (schema.const !== undefined) return new Set([schema.const]);
  if (Array.isArray(schema.enum)) return new Set(schema.enum);
  return undefined;
}

/** The `type` of a schema as a list (`type: [string, "null"]` included); empty when untyped. */
export function schemaTypes(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type))
    return schema.type.filter((t): t is string => typeof t === "string");
  return [];
}

/** The keys a response field walks: a top-level name, or a JSON Pointer's unescaped segments. */
export function fieldSegments(field: string): string[] {
  return field.startsWith("/")
    ? field
        .slice(1)
        .split("/")
        .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    : [field];
}

/**
 * Follows a response field (a top-level name or a JSON Pointer) through an object schema's
 * properties. Returns the field's schema and whether its parent object requires it, or the first
 * segment that is not a property.
 */
export function schemaAt(
  document: JsonObject,
  schema: unknown,
  field: string,
): { schema: unknown; required: boolean } | { missing: string } {
  let node: unknown = schema;
  let required = false;
  for (const segment of fieldSegments(field)) {
    const properties = collectProperties(document, node);
    if (!properties.has(segment)) return { missing: segment };
    required = collectRequired(document, node).has(segment);
    node = resolve(document, properties.get(segment));
  }
  return { schema: node, required };
}
