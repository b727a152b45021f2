/**
 * Reads a response field: a top-level name (`access_token`) or a JSON Pointer (RFC 6901,
 * `/data/accessToken`). Undefined when any step is missing or not an object or array.
 *
 * @example
 * readField({ data: { token: "t" } }, "/data/token"); // "t"
 * readField({ access_token: "t" }, "access_token"); // "t"
 */
export function readField(body: unknown, field: string): unknown {
  if (!field.startsWith("/")) return isRecord(body) ? own(body, field) : undefined;
  let node: unknown = body;
  for (const raw of field.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = /^(0|[1-9]\d*)$/.test(key) ? node[+key] : undefined;
    else if (isRecord(node)) node = own(node, key);
    else return undefined;
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Own properties only: a pointer must never reach `__proto__` or `constructor`. */
function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
