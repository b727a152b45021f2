import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../paths.ts";
import { NPM_SCOPE, parseReleaseConfig } from "./config.ts";

/**
 * Sets the scope the packages are published under: the `release.scope` field of the root
 * `package.json`, and nothing else (the workspace keeps its internal `@auth/*` names; the release
 * publishes rewritten copies). Returns the previous scope.
 */
export async function rescope(root: string, to: string): Promise<string | undefined> {
  if (!NPM_SCOPE.test(to))
    throw new Error(`"${to}" is not an npm scope; pass something like @your-org`);
  const file = path.join(root, "package.json");
  const manifest = JSON.parse(await readFile(file, "utf8")) as { release?: { scope?: string } };
  const previous = manifest.release?.scope;
  manifest.release = { ...manifest.release, scope: to };
  parseReleaseConfig(manifest.release);
  await writeFile(file, `${JSON.stringify(manifest, null, 2)}\n`);
  return previous;
}

async function main(): Promise<void> {
  const to = process.argv[2];
  if (!to) {
    console.error("usage: pnpm rescope @your-scope");
    process.exitCode = 1;
    return;
  }
  try {
    const previous = await rescope(REPO_ROOT, to);
    console.log(
      `release scope: ${previous ?? "(none)"} → ${to} (the "release" field of package.json). Packages publish as ${to}/*; nothing else changes.`,
    );
  } catch (error) {
    console.error(`rescope failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
