import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../paths.ts";

/** npm scopes: lower case, digits, `-`, `.`, `_`, `~`. */
const SCOPE = /^@[a-z0-9~-][a-z0-9._~-]*$/;
const REWRITTEN = /\.(ts|json|md|yaml)$/;

/**
 * Rewrites every `@auth/` package name and import in the given files to `${to}/`. Returns the files
 * it changed. The public `@auth` scope belongs to Auth.js: publish under a scope you own.
 */
export async function rescope(
  root: string,
  files: readonly string[],
  to: string,
): Promise<string[]> {
  if (!SCOPE.test(to))
    throw new Error(`"${to}" is not an npm scope; pass something like @your-org`);
  const changed: string[] = [];
  for (const file of files) {
    if (!REWRITTEN.test(file) || file.endsWith("pnpm-lock.yaml")) continue;
    const absolute = path.join(root, file);
    const text = await readFile(absolute, "utf8");
    const next = text.replaceAll("@auth/", `${to}/`);
    if (next !== text) {
      await writeFile(absolute, next);
      changed.push(file);
    }
  }
  return changed;
}

async function main(): Promise<void> {
  const to = process.argv[2];
  if (!to) {
    console.error("usage: pnpm rescope @your-scope");
    process.exitCode = 1;
    return;
  }
  const listed = spawnSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (listed.status !== 0) {
    console.error("rescope needs a git checkout (it rewrites tracked files only)");
    process.exitCode = 1;
    return;
  }
  try {
    const changed = await rescope(REPO_ROOT, listed.stdout.split("\n").filter(Boolean), to);
    console.log(
      `rewrote @auth/ to ${to}/ in ${changed.length} files. Next: pnpm install && pnpm generate && pnpm test`,
    );
  } catch (error) {
    console.error(`rescope failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
