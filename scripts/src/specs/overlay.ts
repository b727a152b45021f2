import { createRequire } from "node:module";
import { isObject, type JsonObject } from "../codegen/load-spec.ts";

/** openapi-format's overlay engine (CommonJS): OpenAPI Overlay 1.0/1.1 with RFC 9535 JSONPath. */
const { openapiOverlay } = createRequire(import.meta.url)("openapi-format") as {
  openapiOverlay: (
    document: JsonObject,
    options: { overlaySet: JsonObject },
  ) => Promise<{ data: JsonObject; resultData: { unusedActions: JsonObject[] } }>;
};

/** One overlay action that did not apply: its position, target and why it exists. */
export interface StaleAction {
  readonly index: number;
  readonly target: string;
  readonly description: string;
  readonly reason: string;
}

/**
 * Applies an Overlay document to a copy of `document`. Every action must apply: an action whose
 * target matches nothing (the provider changed what it fixed) or that the engine rejects is
 * returned as stale, never skipped silently.
 */
export async function applyOverlay(
  document: JsonObject,
  overlay: unknown,
): Promise<{ document: JsonObject; stale: StaleAction[] }> {
  if (
    !isObject(overlay) ||
    typeof overlay.overlay !== "string" ||
    !/^1\.0\.\d+$/.test(overlay.overlay)
  )
    throw new Error(
      "not an OpenAPI Overlay 1.0 document (it needs `overlay: 1.0.0` and `actions`)",
    );
  const actions = Array.isArray(overlay.actions) ? overlay.actions : [];
  const missing = actions.findIndex(
    (a) => !isObject(a) || typeof a.target !== "string" || typeof a.description !== "string",
  );
  if (missing >= 0)
    throw new Error(`action #${missing + 1} needs a target and a description saying why it exists`);
  // The engine reports invalid actions on the console; collect them as problems instead.
  const rejected: string[] = [];
  const consoleError = console.error;
  console.error = (...parts: unknown[]) => void rejected.push(parts.map(String).join(" "));
  let result: Awaited<ReturnType<typeof openapiOverlay>>;
  try {
    result = await openapiOverlay(structuredClone(document), { overlaySet: overlay });
  } finally {
    console.error = consoleError;
  }
  const unused = new Set(result.resultData.unusedActions);
  const stale = actions.flatMap((action: JsonObject, index) => {
    if (!unused.has(action)) return [];
    const label = `Overlay action #${index + 1}`;
    const engine = rejected.find((line) => line.startsWith(`${label}:`));
    return [
      {
        index: index + 1,
        target: String(action.target),
        description: String(action.description).trim(),
        reason: engine ? engine.slice(label.length + 1).trim() : "its target matches nothing",
      },
    ];
  });
  return { document: result.data, stale };
}
