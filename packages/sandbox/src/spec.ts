type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Follows local `$ref`s inside a spec document. */
export function resolve(document: Json, node: unknown, depth = 0): unknown {
  if (!isObject(node) || typeof node.$ref !== "string" || depth > 20) return node;
  let target: unknown = document;
  for (const raw of node.$ref.replace(/^#\//, "").split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    target = isObject(target) ? target[key] : undefined;
  }
  return resolve(document, target, depth + 1);
}

/** Reads the token operation of a spec: documented statuses, their JSON schemas and examples. */
export function tokenOperation(
  document: Json,
  path: string,
  method: string,
): { responses: Map<number, { schema: unknown; example: unknown }> } {
  const paths = isObject(document.paths) ? document.paths : {};
  const item = isObject(paths[path]) ? paths[path] : {};
  const operation = isObject(item[method]) ? item[method] : {};
  const responses = new Map<number, { schema: unknown; example: unknown }>();
  for (const [status, raw] of Object.entries(
    isObject(operation.responses) ? operation.responses : {},
  )) {
    const response = resolve(document, raw);
    if (!/^\d{3}$/.test(status) || !isObject(response)) continue;
    const content = isObject(response.content) ? response.content : {};
    const type = Object.keys(content).find((m) => /^application\/(.+\+)?json\b/.test(m));
    const media = type ? resolve(document, content[type]) : undefined;
    if (!isObject(media)) continue;
    responses.set(Number(status), { schema: media.schema, example: firstExample(document, media) });
  }
  return { responses };
}

function firstExample(document: Json, media: Json): unknown {
  if (media.example !== undefined) return media.example;
  if (isObject(media.examples)) {
    for (const example of Object.values(media.examples)) {
      const resolved = resolve(document, example);
      if (isObject(resolved) && resolved.value !== undefined) return resolved.value;
    }
  }
  return undefined;
}

/** Properties of an object schema (all branches of oneOf/anyOf/allOf). */
export function properties(document: Json, schema: unknown): Map<string, Json> {
  const found = new Map<string, Json>();
  const visit = (node: unknown) => {
    const resolved = resolve(document, node);
    if (!isObject(resolved)) return;
    if (isObject(resolved.properties)) {
      for (const [name, value] of Object.entries(resolved.properties)) {
        const property = resolve(document, value);
        if (isObject(property)) found.set(name, property);
      }
    }
    for (const key of ["oneOf", "anyOf", "allOf"])
      if (Array.isArray(resolved[key])) (resolved[key] as unknown[]).forEach(visit);
  };
  visit(schema);
  return found;
}

const numeric = (schema: Json) => schema.type === "integer" || schema.type === "number";

/** An error body in the shape the spec documents for `status`, filled from well-known field names. */
export function errorBody(
  document: Json,
  schema: unknown,
  example: unknown,
  fields: { error: string; description: string; status: number },
): Json {
  const props = properties(document, schema);
  const resolved = resolve(document, schema);
  if (props.size === 0) {
    // A string-to-string map (alternative-payments' 403) or an undocumented shape.
    return isObject(resolved) && resolved.additionalProperties
      ? { error: fields.description }
      : { error: fields.error, message: fields.description };
  }
  // The documented example keeps fields only this provider has (a `success: false` flag).
  const body: Json = isObject(example) ? structuredClone(example) : {};
  const known: Record<string, unknown> = {
    error: fields.error,
    error_description: fields.description,
    message: fields.description,
    detail: fields.description,
    title: fields.error,
    type: "about:blank",
    status: fields.status,
    soaCode: String(fields.status),
    timestamp: new Date().toISOString(),
  };
  for (const [name, property] of props) {
    const type = resolve(document, property) as Json;
    // A nested error object (OpenStack's {"error": {"code": 401, "message": …}}): fill it the same way.
    if (type.type === "object" && isObject(type.properties)) {
      body[name] = errorBody(document, type, isObject(body[name]) ? body[name] : undefined, fields);
      continue;
    }
    const value = name === "code" ? (numeric(type) ? fields.status : fields.error) : known[name];
    if (value === undefined || !(name in known || name === "code")) continue;
    body[name] =
      type.type === "string" && typeof value !== "string"
        ? String(value)
        : numeric(type) && typeof value === "string"
          ? fields.status
          : value;
  }
  return body;
}

/** Splits a response field (a top-level name or a JSON Pointer) into its path segments. */
export function segments(field: string): string[] {
  return field.startsWith("/")
    ? field
        .slice(1)
        .split("/")
        .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"))
    : [field];
}

/** The schema of a response field, following object properties (undefined when undocumented). */
export function schemaAt(document: Json, schema: unknown, field: string): Json | undefined {
  let node: unknown = schema;
  for (const segment of segments(field)) node = properties(document, node).get(segment);
  return isObject(node) ? node : undefined;
}

/** Reads a response field (name or pointer) of a body. */
export function getAt(body: unknown, field: string): unknown {
  let node: unknown = body;
  for (const segment of segments(field)) node = isObject(node) ? node[segment] : undefined;
  return node;
}

/** Writes a response field (name or pointer) into a body, creating the objects on the way. */
export function setAt(body: Json, field: string, value: unknown): void {
  const path = segments(field);
  let node = body;
  for (const segment of path.slice(0, -1)) {
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as Json;
  }
  node[path.at(-1)!] = value;
}

/** Deletes a response field (name or pointer) from a body. */
export function deleteAt(body: Json, field: string): void {
  const path = segments(field);
  let parent: unknown = body;
  for (const segment of path.slice(0, -1)) parent = isObject(parent) ? parent[segment] : undefined;
  if (isObject(parent)) delete parent[path.at(-1)!];
}

/**
 * Gives every required property the schema names (through `allOf`, and into nested objects) a
 * value when the body lacks one: its `const`, `default`, first `enum` value or `example`, else an
 * empty value of its type. A failure inside a 200 then still matches a schema that requires, say,
 * a request id; what the body already holds is kept.
 */
export function fillRequired(document: Json, schema: unknown, body: Json, depth = 0): void {
  const resolved = resolve(document, schema);
  if (!isObject(resolved) || depth > 10) return;
  for (const part of Array.isArray(resolved.allOf) ? resolved.allOf : [])
    fillRequired(document, part, body, depth + 1);
  const props = isObject(resolved.properties) ? resolved.properties : {};
  for (const name of Array.isArray(resolved.required) ? resolved.required : []) {
    if (typeof name !== "string") continue;
    const property = resolve(document, props[name]);
    if (!Object.hasOwn(body, name)) body[name] = sampleOf(property);
    if (isObject(body[name])) fillRequired(document, property, body[name] as Json, depth + 1);
  }
}

function sampleOf(schema: unknown): unknown {
  if (!isObject(schema)) return "";
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  return type === "object"
    ? {}
    : type === "array"
      ? []
      : type === "integer" || type === "number"
        ? 0
        : type === "boolean"
          ? false
          : "";
}

/**
 * Fills a template's `{name}`s (or `{name=default}`s) from `values`, as the client does; the
 * placeholder named `keep` (`token` in a presentation) is left as it is.
 */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  keep?: string,
): string {
  return template.replace(
    /\{([^{}=]*)(?:=([^{}]*))?\}/g,
    (whole, name: string, fallback?: string) =>
      name === keep ? whole : values[name] || fallback || "",
  );
}
