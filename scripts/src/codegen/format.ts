import { randomBytes } from "node:crypto";
import path from "node:path";
import type * as Prettier from "prettier";
import { REPO_ROOT } from "../paths.ts";

/** A generated file to format: where it will be written, and what the renderer printed. */
export interface FormatRequest {
  readonly filepath: string;
  readonly source: string;
  /**
   * Text put in after formatting, by the placeholder that stands for it in `source`: for data
   * prettier would only parse to print as is (a statement under `// prettier-ignore`). Each
   * placeholder must come back exactly once.
   */
  readonly verbatim?: Readonly<Record<string, string>>;
  /**
   * The renderer prints prettier's style itself (JSON as `JSON.stringify(…, null, 2)` prints it,
   * which is prettier's `json-stringify`; fixed templates): written as it is.
   */
  readonly preformatted?: boolean;
}

/** Formats a batch of generated files; the results are in the requests' order. */
export type FormatAll = (requests: readonly FormatRequest[]) => Promise<string[]>;

/**
 * The repo's prettier config, applied to each generated file as the prettier CLI would apply it
 * to a file at that path (`.prettierrc.json` and its overrides, the parser inferred from the
 * name, `.prettierignore`), in as few prettier calls as the batch allows. Each call costs a parse
 * and a print of what it is given plus a fixed overhead, so:
 *
 * - TypeScript files that share their options are formatted as one module (up to `JOIN_AT_MOST`
 *   files per call), joined by a marker line comment at the top level and split on it again (a
 *   statement cannot span two files, and a top-level comment on its own line stays on its own
 *   line). Should the marker not come back once per file, each file is formatted on its own.
 * - Markdown: prettier changes nothing in the prose the renderers print (render/readme.ts
 *   escapes every spec string through `mdText()` / `mdCode()`) except that it aligns tables, so
 *   only the tables go to prettier, all of a batch's in one call; the prose is not re-printed.
 *   `test/format.test.ts` holds both shortcuts to prettier's own output on every fixture spec,
 *   and `pnpm lint` runs `prettier --check` over the committed packages.
 * - A request marked `preformatted` is written as the renderer printed it; `verbatim` text is put
 *   in after formatting.
 * - A file `.prettierignore` names is written as printed; anything else is formatted file by file.
 */
export function formatterFor(outRoot: string): FormatAll {
  const configs = new Map<string, Prettier.Options>();
  return async (requests) => {
    const results = requests.map((request) => (request.preformatted ? request.source : undefined));
    const pending = requests.flatMap((request, index) => (request.preformatted ? [] : [index]));
    if (pending.length > 0) {
      // Loaded on first use: a run whose renderings all come from the cache never pays for it.
      const prettier = await import("prettier");
      // Files with the same parser and options go to prettier together.
      const groups = new Map<string, { index: number; item: Prepared }[]>();
      for (const index of pending) {
        const { filepath, source } = requests[index]!;
        const relative = path.relative(outRoot, filepath);
        // Where the file would be in this repository: its overrides apply to every provider.
        const inRepo = path.join(REPO_ROOT, relative);
        const key = relative.replace(/^packages\/[^/]+\//, "packages/*/");
        if (!configs.has(key)) {
          const config = (await prettier.resolveConfig(inRepo)) ?? {};
          const info = await prettier.getFileInfo(inRepo, { ignorePath: IGNORE_FILE });
          const parser = info.ignored ? IGNORED : (config.parser ?? info.inferredParser);
          configs.set(key, { ...config, ...(parser ? { parser } : {}) });
        }
        const options = configs.get(key)!;
        const group = JSON.stringify(options);
        groups.set(group, [
          ...(groups.get(group) ?? []),
          { index, item: { source, options: { ...options, filepath: inRepo } } },
        ]);
      }
      for (const members of groups.values()) {
        const batch = members.map(({ item }) => item);
        const { parser } = batch[0]!.options;
        const formatted =
          parser === IGNORED
            ? batch.map((item) => item.source)
            : parser === "typescript" || parser === "babel-ts"
              ? await formatJoined(prettier, batch)
              : parser === "markdown"
                ? await formatTables(prettier, batch)
                : await Promise.all(
                    batch.map((item) => prettier.format(item.source, item.options)),
                  );
        members.forEach(({ index }, n) => (results[index] = formatted[n]!));
      }
    }
    return results.map((text, i) => withVerbatim(text!, requests[i]!));
  };
}

function withVerbatim(text: string, { filepath, verbatim = {} }: FormatRequest): string {
  for (const [placeholder, value] of Object.entries(verbatim)) {
    const parts = text.split(placeholder);
    if (parts.length !== 2)
      throw new Error(
        `${filepath}: placeholder ${placeholder} came back ${parts.length - 1} times`,
      );
    text = parts[0]! + value + parts[1]!;
  }
  return text;
}

/** `.prettierignore`: a file it names is written as the renderer printed it, as the CLI leaves it. */
const IGNORE_FILE = path.join(REPO_ROOT, ".prettierignore");
const IGNORED = "(ignored)";

type PrettierModule = typeof Prettier;
interface Prepared {
  readonly source: string;
  readonly options: Prettier.Options;
}

/** A marker no source contains: a spec's strings cannot forge a split. */
function markerFor(sources: readonly string[], wrap: (id: string) => string): string {
  for (;;) {
    const marker = wrap(`auth-generate-split-${randomBytes(12).toString("hex")}`);
    if (!sources.some((source) => source.includes(marker))) return marker;
  }
}

/** One file's share of a joined output: no blank lines around it, one newline at the end. */
const trimmed = (chunk: string) => chunk.replace(/^\n+/, "").trimEnd() + "\n";

/**
 * Files per joined prettier call: past a few dozen, one call costs more than its share (a run of
 * 200 specs took half as long again per spec as one of 50), and fewer calls save little more.
 */
const JOIN_AT_MOST = 24;

/** TypeScript files with the same options, formatted as one module per `JOIN_AT_MOST` files. */
async function formatJoined(prettier: PrettierModule, batch: readonly Prepared[]) {
  const out: string[] = [];
  for (let start = 0; start < batch.length; start += JOIN_AT_MOST)
    out.push(...(await formatJoinedChunk(prettier, batch.slice(start, start + JOIN_AT_MOST))));
  return out;
}

async function formatJoinedChunk(prettier: PrettierModule, batch: readonly Prepared[]) {
  const each = () => Promise.all(batch.map((item) => prettier.format(item.source, item.options)));
  if (batch.length === 1 || batch.some((item) => item.source.trim() === "")) return each();
  const sources = batch.map((item) => item.source);
  const marker = markerFor(sources, (id) => `// ${id}`);
  let output: string;
  try {
    output = await prettier.format(sources.join(`\n\n${marker}\n\n`), batch[0]!.options);
  } catch {
    // A file that does not parse: format each alone, so the error names that file.
    return each();
  }
  const chunks = output.split(`\n${marker}\n`);
  return chunks.length === batch.length ? chunks.map(trimmed) : each();
}

/** The delimiter row of a GFM table: `| --- | :-: |`. */
const DELIMITER_ROW = /^\|(?:\s*:?-+:?\s*\|)+\s*$/;

/** Markdown files: their tables aligned by prettier in one call, the prose as printed. */
async function formatTables(prettier: PrettierModule, batch: readonly Prepared[]) {
  const files = batch.map((item) => splitTables(item.source));
  const tables = files.flatMap((parts) => parts.filter((part) => part.table).map((p) => p.text));
  if (tables.length === 0) return batch.map((item) => item.source);
  const marker = markerFor(
    batch.map((item) => item.source),
    (id) => `<!-- ${id} -->`,
  );
  const output = await prettier.format(tables.join(`\n\n${marker}\n\n`), batch[0]!.options);
  const aligned = output.split(`\n${marker}\n`).map((chunk) => trimmed(chunk).slice(0, -1));
  if (aligned.length !== tables.length)
    return Promise.all(batch.map((item) => prettier.format(item.source, item.options)));
  let next = 0;
  return files.map((parts) =>
    parts.map((part) => (part.table ? aligned[next++]! : part.text)).join(""),
  );
}

/** A Markdown source cut into tables (header, delimiter and body rows) and the text between. */
function splitTables(source: string): { text: string; table: boolean }[] {
  const lines = source.split("\n");
  const parts: { text: string; table: boolean }[] = [];
  let text: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const starts =
      lines[i]!.startsWith("|") &&
      DELIMITER_ROW.test(lines[i + 1] ?? "") &&
      (i === 0 || lines[i - 1]!.trim() === "");
    if (!starts) {
      text.push(lines[i]!);
      continue;
    }
    let end = i + 2;
    while (end < lines.length && lines[end]!.startsWith("|")) end++;
    parts.push({ text: text.join("\n") + "\n", table: false });
    parts.push({ text: lines.slice(i, end).join("\n"), table: true });
    text = [""];
    i = end - 1;
  }
  parts.push({ text: text.join("\n"), table: false });
  return parts;
}
