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
 * descriptions are CommonMark, and nothing inside a code span is interpreted).
 */
export function mdText(text: string): string {
  return text
    .replace(LINE_BREAKS, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[&<>"]/g, (c) => HTML[c as keyof typeof HTML])
    .replace(/[\\*_[\]|~]/g, "\\$&")
    .replace(/^([#>+-]|\d+[.)])/, "\\$1");
}

/**
 * An inline code span holding `text` verbatim: fenced with more backticks than it contains, one
 * line, and `|` escaped so a table cell holds. HTML is never interpreted inside a code span.
 */
export function mdCode(text: string): string {
  const line = text.replace(LINE_BREAKS, " ").replaceAll("|", "\\|");
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = line.startsWith("`") || line.endsWith("`") || line === "" ? " " : "";
  return `${fence}${pad}${line}${pad}${fence}`;
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
