import { comment, mdText } from "../emit.ts";

/** The fixed header every generated file starts with, so tools and people can tell them apart. */
export function generatedHeader(specFile: string): string {
  return [
    "/**",
    ` * This file was auto-generated from ${comment(specFile)} by \`pnpm generate\`.`,
    " * Do not make direct changes to the file: edit the spec and regenerate.",
    " */",
    "",
  ].join("\n");
}

export function generatedMarkdownHeader(specFile: string): string {
  return `<!-- This file was auto-generated from ${mdText(specFile).replaceAll("--", "")} by \`pnpm generate\`. Do not make direct changes to the file. -->\n\n`;
}

/** Key put first in generated package.json files (JSON has no comments). */
export const GENERATED_JSON_KEY = "//";
export function generatedJsonNote(specFile: string): string {
  return `Generated from ${specFile} by \`pnpm generate\`. Do not edit by hand.`;
}
