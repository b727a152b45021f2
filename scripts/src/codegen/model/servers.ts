import { isObject, type JsonObject } from "../load-spec.ts";
import { PROTOTYPE_NAMES } from "../emit.ts";
import { pointer } from "../problems.ts";
import { IDENTIFIER } from "./context.ts";

type Report = (at: string, message: string) => void;

/** Where a variable sits in a server URL; decides which characters its value may have. */
export type VariablePosition = "label" | "host" | "port" | "path";

/** A `{variable}` of the spec's server URLs: a typed `createAuth` option. */
export interface ServerVariableModel {
  readonly name: string;
  readonly in: VariablePosition;
  readonly enum?: readonly string[];
  /** Only when the option is optional (an `enum` holding the default). */
  readonly default?: string;
  readonly pattern?: string;
  /** The spec's `default`: an example value for docs, the sandbox and the demo. */
  readonly example: string;
  readonly description: string;
}

/** The same shapes core enforces (packages/core/src/engine/inputs.ts), for the spec's own values. */
const SHAPES: Record<VariablePosition, RegExp> = {
  label: /^[A-Za-z0-9-]{1,63}$/,
  host: /^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63}){0,20}$/,
  port: /^[0-9]{1,5}$/,
  path: /^(?!\.\.?$)[A-Za-z0-9._~-]{1,200}$/,
};

const VARIABLE_KEYS = ["default", "enum", "description", "x-pattern"];

/** Option names core and the generated `createAuth` use themselves. */
export const RESERVED_OPTIONS = new Set([
  "environment",
  "baseUrl",
  "fetch",
  "scope",
  "store",
  "clock",
]);

/**
 * Where each `{name}` of a server URL sits: in the host (one label, or the whole host), the port,
 * or the path. Reports braces that are not a `{name}` and variables in a query or fragment.
 */
function positions(url: string, at: string, report: Report): Map<string, VariablePosition> {
  const found = new Map<string, VariablePosition>();
  const rest = url.replace(/^https:\/\//, "");
  const slash = rest.indexOf("/");
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? "" : rest.slice(slash);
  if (/[?#]/.test(url)) report(at, "a server URL has no query or fragment");
  if (/[{}]/.test(url.replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, "")))
    report(at, "braces in a server URL must be {variable} with a camelCase name");
  const colon = authority.lastIndexOf(":");
  const host = colon < 0 ? authority : authority.slice(0, colon);
  const port = colon < 0 ? "" : authority.slice(colon + 1);
  for (const [part, text] of [
    ["host", host],
    ["port", port],
    ["path", path],
  ] as const) {
    for (const match of text.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)) {
      const position: VariablePosition =
        part === "host" ? (text === match[0] ? "host" : "label") : part;
      const before = found.get(match[1]!);
      if (before !== undefined && before !== position)
        report(at, `variable "${match[1]}" is used in two places of different kinds`);
      found.set(match[1]!, position);
    }
  }
  return found;
}

/**
 * Reads and checks the server variables that an environment's URL or a template uses (the others
 * belong to servers the caller reaches with `baseUrl`): each `{name}` is declared and each
 * declared variable used; names are option names; `enum`, `default` and `x-pattern` agree with
 * each other and with the shape of where the variable sits. A variable is optional only when it
 * has an `enum` holding its default; a free-form one (a tenant id) is required, its default being
 * the example OpenAPI asks for.
 */
export function readServerVariables(
  document: JsonObject,
  report: Report,
  wanted: ReadonlySet<string>,
): ServerVariableModel[] {
  const byName = new Map<string, ServerVariableModel>();
  const servers = Array.isArray(document.servers) ? document.servers : [];
  servers.forEach((server, index) => {
    if (!isObject(server) || typeof server.url !== "string") return;
    const at = pointer("servers", index);
    const used = positions(server.url, `${at}/url`, report);
    const declared = isObject(server.variables) ? server.variables : {};
    if (server.variables !== undefined && !isObject(server.variables))
      report(`${at}/variables`, "must map variable names to { default, enum }");
    for (const name of used.keys())
      if (!Object.hasOwn(declared, name))
        report(`${at}/url`, `{${name}} has no entry under variables`);
    for (const [name, raw] of Object.entries(declared)) {
      const vat = `${at}/variables${pointer(name)}`;
      const position = used.get(name);
      if (position === undefined) {
        report(vat, `variable "${name}" is not used in the server URL`);
        continue;
      }
      // A server no environment names (a host the caller passes as baseUrl) keeps its variables
      // to itself, unless a template uses them.
      if (!wanted.has(name)) continue;
      const variable = readVariable(name, raw, position, vat, report);
      if (variable === undefined) continue;
      const before = byName.get(name);
      if (before !== undefined && JSON.stringify(before) !== JSON.stringify(variable))
        report(vat, `variable "${name}" differs from the one of the same name in another server`);
      else byName.set(name, variable);
    }
  });
  return [...byName.values()];
}

function readVariable(
  name: string,
  raw: unknown,
  position: VariablePosition,
  at: string,
  report: Report,
): ServerVariableModel | undefined {
  if (!isObject(raw)) return void report(at, "must be a mapping with a default");
  let ok = true;
  const problem = (where: string, message: string) => {
    report(where, message);
    ok = false;
  };
  for (const key of Object.keys(raw))
    if (!VARIABLE_KEYS.includes(key))
      problem(`${at}/${key}`, `unknown key "${key}"; allowed: ${VARIABLE_KEYS.join(", ")}`);
  if (!IDENTIFIER.test(name))
    problem(at, `variable name "${name}" must be a camelCase identifier (it becomes an option)`);
  else if (RESERVED_OPTIONS.has(name) || PROTOTYPE_NAMES.has(name))
    problem(at, `"${name}" is a reserved option name; rename the variable`);
  const example = raw.default;
  if (typeof example !== "string" || example === "")
    problem(`${at}/default`, "a server variable needs a default (OpenAPI requires one)");
  let values: string[] | undefined;
  if (raw.enum !== undefined) {
    if (
      !Array.isArray(raw.enum) ||
      raw.enum.length === 0 ||
      !raw.enum.every((v) => typeof v === "string" && v !== "")
    )
      problem(`${at}/enum`, "must be a non-empty list of strings");
    else values = raw.enum as string[];
  }
  let pattern: RegExp | undefined;
  const source = raw["x-pattern"];
  if (source !== undefined) {
    try {
      if (typeof source !== "string" || source === "") throw new Error();
      pattern = new RegExp(`^(?:${source})$`, "u");
    } catch {
      problem(`${at}/x-pattern`, "must be a regular expression (JavaScript, u flag)");
    }
  }
  for (const [where, value] of [
    ...(values ?? []).map((v, i) => [`${at}/enum/${i}`, v] as const),
    ...(typeof example === "string" ? [[`${at}/default`, example] as const] : []),
  ]) {
    if (!SHAPES[position].test(value))
      problem(where, `${JSON.stringify(value)} cannot stand in the URL where {${name}} is`);
    else if (pattern && !pattern.test(value))
      problem(where, `${JSON.stringify(value)} does not match x-pattern`);
  }
  if (values && typeof example === "string" && !values.includes(example))
    problem(`${at}/default`, "the default must be one of the enum values");
  if (!ok || typeof example !== "string") return undefined;
  return {
    name,
    in: position,
    ...(values ? { enum: values, default: example } : {}),
    ...(typeof source === "string" ? { pattern: source } : {}),
    example,
    description: typeof raw.description === "string" ? raw.description.trim() : "",
  };
}
