/**
 * The one escaping discipline for everything a spec says that ends up in generated files. A spec
 * is untrusted input (a provider's published document, carried byte for byte through
 * `pnpm specs:update`): none of its strings may become code.
 *
 * - string literals: only through `literal()` (JSON, with U+2028/U+2029 escaped);
 * - comments: only through `comment()` / `jsdoc()` (no `*\/`, no line terminator);
 * - identifiers: never from a spec value (a counter, or names the model checked against
 *   `[A-Za-z0-9]`);
 * - Markdown: only through `mdText()` and `mdCode()` (no HTML, no links, no table breaks).
 */

/**
 * `printWidth` of the repo's `.prettierrc.json`: a renderer that prints prettier's style itself
 * (a request marked `preformatted`, see format.ts) breaks lines where prettier would.
 */
export const PRINT_WIDTH = 100;

/**
 * `export { a, b } from "x";` as prettier prints it: on one line when it fits in `PRINT_WIDTH`,
 * otherwise one name per line with a trailing comma. `names` are identifiers (never spec text).
 */
export function exportFrom(
  keyword: "export" | "export type",
  names: readonly string[],
  from: string,
) {
  const line = `${keyword} { ${names.join(", ")} } from ${literal(from)};`;
  if (line.length <= PRINT_WIDTH || names.length < 2) return line;
  return `${keyword} {\n${names.map((name) => `  ${name},\n`).join("")}} from ${literal(from)};`;
}

/** Every line terminator ECMAScript knows, and the other Unicode line and paragraph breaks. */
const LINE_BREAKS = /[\r\n\u2028\u2029\u0085\v\f]+/g;

/** A JavaScript/TypeScript string (or JSON) literal of any value: safe anywhere an expression goes. */
export function literal(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent)
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

/** Text for inside a block comment: one line, and `*\/` cannot close the comment. */
export function comment(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(/\s+/g, " ").replaceAll("*/", "*\\/").trim();
}

/** A one-line JSDoc block, or nothing for empty text. */
export function jsdoc(text: string, indent = ""): string {
  const body = comment(text);
  return body ? `${indent}/** ${body} */\n` : "";
}

const HTML = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" } as const;

/**
 * Markdown text from a spec: one line, HTML escaped, and the characters that make links, images,
 * emphasis, tables, headings and lists escaped with a backslash. Code spans are kept (OpenAPI
 * descriptions are CommonMark, and nothing inside a code span is interpreted), printed the way
 * prettier prints them; a backtick that opens no code span is escaped.
 */
export function mdText(text: string): string {
  const line = text.replace(LINE_BREAKS, " ").replace(/\s+/g, " ").trim();
  let out = "";
  let at = 0;
  // CommonMark: a run of n backticks opens a code span that the next run of exactly n closes; a
  // run nothing closes is text.
  for (const run of line.matchAll(/`+/g)) {
    const open = run.index;
    const length = run[0].length;
    if (open < at) continue;
    const closing = new RegExp(`(?<!\`)\`{${length}}(?!\`)`, "g");
    closing.lastIndex = open + length;
    const close = closing.exec(line);
    if (!close) continue;
    out += mdPlain(line.slice(at, open)) + codeSpan(line.slice(open + length, close.index));
    at = close.index + length;
  }
  return (out + mdPlain(line.slice(at))).replace(/^([#>+-]|\d+[.)])/, "\\$1");
}

/** Text outside code spans: HTML escaped, and every character Markdown gives a meaning escaped. */
function mdPlain(text: string): string {
  return text
    .replace(/[&<>"]/g, (c) => HTML[c as keyof typeof HTML])
    .replace(/[\\*_[\]|~`]/g, "\\$&");
}

/**
 * A code span of `content` (CommonMark strips one space on each side when both are there) as
 * prettier prints it: the fewest backticks that do not occur as a run inside, padded with a space
 * when the content starts or ends with a backtick or is padded itself.
 */
function codeSpan(content: string): string {
  const value = padded(content) ? content.slice(1, -1) : content;
  const runs = new Set((value.match(/`+/g) ?? []).map((r) => r.length));
  let fence = 1;
  while (runs.has(fence)) fence++;
  const pad = value.startsWith("`") || value.endsWith("`") || padded(value) ? " " : "";
  return "`".repeat(fence) + pad + value + pad + "`".repeat(fence);
}

/** A space at both ends and something else inside: CommonMark strips one space on each side. */
const padded = (text: string) => /^ .*[^ ].* $/.test(text);

/**
 * An inline code span holding `text` verbatim: one line, and `|` escaped so a table cell holds.
 * HTML is never interpreted inside a code span.
 */
export function mdCode(text: string): string {
  const line = text.replace(LINE_BREAKS, " ").replaceAll("|", "\\|");
  // A span whose content is padded or blank keeps its spaces: pad it once more (CommonMark
  // strips one space on each side).
  return codeSpan(line === "" ? " " : padded(line) ? ` ${line} ` : line);
}

/** Names every built-in property of a plain object: never an option, environment or credential name. */
export const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  "__proto__",
  "prototype",
  "then",
]);

/**
 * A provider id as a TypeScript name: `alternative-payments` → `alternativePayments` (camel) or
 * `AlternativePayments` (Pascal). An id npm allows may start with a digit (`2c2p`); a name cannot,
 * so it gets a `provider` prefix (`provider2c2p`, `Provider2c2p`).
 */
export function providerName(id: string, pascal = false): string {
  const camel = id.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
  const safe = /^[0-9]/.test(camel)
    ? `provider${camel.charAt(0).toUpperCase()}${camel.slice(1)}`
    : camel;
  return pascal ? safe.charAt(0).toUpperCase() + safe.slice(1) : safe;
}

/**
 * The environment variable a usage example reads a credential from: `ENKASH_CLIENT_ID`. A name
 * cannot start with a digit in a shell or after `process.env.`, so such an id gets a `_` first.
 */
export function envVariable(id: string, credential: string): string {
  const name = `${id}_${credential.replace(/[A-Z]/g, (c) => "_" + c)}`
    .toUpperCase()
    .replaceAll("-", "_");
  return /^[0-9]/.test(name) ? `_${name}` : name;
}
