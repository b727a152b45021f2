import { readFile } from "node:fs/promises";
import type { Problem } from "./problems.ts";

export type JsonObject = { [key: string]: unknown };

export interface LoadedSpec {
  /** Path relative to the repo root, for messages. */
  readonly file: string;
  readonly document: JsonObject;
}

/**
 * Reads and parses one spec; YAML errors become problems with the line and column. `text` is the
 * file's content when the caller has read it already.
 */
export async function loadSpec(
  absolutePath: string,
  file: string,
  text?: string,
): Promise<{ spec?: LoadedSpec; problems: Problem[] }> {
  try {
    text ??= await readFile(absolutePath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { problems: [{ file, pointer: "", message: `cannot read the file (${code})` }] };
  }
  // Loaded on first use: a run whose models all come from the cache never pays for it.
  const { LineCounter, parseDocument } = await import("yaml");
  const lines = new LineCounter();
  const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
  if (parsed.errors.length > 0) {
    return {
      problems: parsed.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return {
          file,
          pointer: "",
          message: `invalid YAML at line ${line}, column ${col}: ${error.message.split("\n")[0]}; fix the syntax`,
        };
      }),
    };
  }
  const document: unknown = parsed.toJS();
  if (!isObject(document)) {
    return {
      problems: [
        {
          file,
          pointer: "",
          message: "the document is not a YAML mapping; write an OpenAPI 3.1 document",
        },
      ],
    };
  }
  // A "__proto__" key would set the prototype of the object literal the sandbox's data is
  // generated into, not add a key: no spec needs one.
  const hostile = protoKeys(document, "");
  if (hostile.length > 0)
    return {
      problems: hostile.map((at) => ({
        file,
        pointer: at,
        message: 'a "__proto__" key is not allowed in a spec; rename or remove it',
      })),
    };
  return { spec: { file, document }, problems: [] };
}

function protoKeys(value: unknown, at: string, depth = 0): string[] {
  if (typeof value !== "object" || value === null || depth > 200) return [];
  const found: string[] = [];
  for (const key of Object.keys(value)) {
    const here = `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (key === "__proto__") found.push(here);
    found.push(...protoKeys((value as Record<string, unknown>)[key], here, depth + 1));
  }
  return found;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
