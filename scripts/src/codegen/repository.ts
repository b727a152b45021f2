import { REPO_ROOT } from "../paths.ts";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where the packages' source lives, for npm's `repository`, `homepage` and `bugs`. One source: the
 * root package.json's `repository`, set with `pnpm set-repository <url>` by whoever publishes (this
 * repository has no public URL of its own). Generated manifests take it from there; the release
 * guard refuses to publish without it.
 */

/** `https://host/owner/repo` from any usual form (`git+https://…`, `….git`); undefined if not https. */
export function normaliseRepositoryUrl(value: string): string | undefined {
  const trimmed = value
    .trim()
    .replace(/^git\+/, "")
    .replace(/\.git$/, "")
    .replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash)
    return undefined;
  return url.href.replace(/\/+$/, "");
}

/** The npm metadata for the package in `directory` (relative to the repository root). */
export function repositoryFields(
  repositoryUrl: string | undefined,
  directory: string,
): Record<string, unknown> {
  if (repositoryUrl === undefined) return {};
  const fields: Record<string, unknown> = {
    repository: { type: "git", url: `git+${repositoryUrl}.git`, directory },
  };
  // GitHub, GitLab and Codeberg lay out trees and issues the same way.
  if (/^https:\/\/(github\.com|gitlab\.com|codeberg\.org)\//.test(repositoryUrl)) {
    fields.homepage = `${repositoryUrl}/tree/main/${directory}#readme`;
    fields.bugs = { url: `${repositoryUrl}/issues` };
  }
  return fields;
}

/** The root package.json's repository URL, normalised; undefined when absent. */
export async function readRootRepository(root: string): Promise<string | undefined> {
  const manifest = JSON.parse(
    await readFile(path.join(root, "package.json"), "utf8").catch(() => "{}"),
  ) as {
    repository?: string | { url?: string };
  };
  const value =
    typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
  return value === undefined ? undefined : normaliseRepositoryUrl(value);
}

/** The manifest with `fields` placed right after `license` (replacing any earlier values). */
export function withFields(
  manifest: Record<string, unknown>,
  fields: Record<string, unknown>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  let placed = false;
  for (const [key, value] of Object.entries(manifest)) {
    if (key in fields) continue;
    result[key] = value;
    if (key === "license") {
      Object.assign(result, fields);
      placed = true;
    }
  }
  if (!placed) Object.assign(result, fields);
  return result;
}

/**
 * Records the repository in the root package.json and in every hand-written publishable package
 * (generated ones take it on the next `pnpm generate`). Returns the files it changed.
 */
export async function setRepository(root: string, value: string): Promise<string[]> {
  const url = normaliseRepositoryUrl(value);
  if (url === undefined)
    throw new Error(
      `"${value}" is not an https repository URL; pass something like https://github.com/you/auth-sdks`,
    );
  const changed: string[] = [];
  const rootManifest = path.join(root, "package.json");
  const manifest = JSON.parse(await readFile(rootManifest, "utf8")) as Record<string, unknown>;
  manifest.repository = { type: "git", url: `git+${url}.git` };
  await writeFile(rootManifest, JSON.stringify(manifest, null, 2) + "\n");
  changed.push("package.json");
  for (const name of ["core", "redis", "sandbox"]) {
    const file = path.join(root, "packages", name, "package.json");
    const text = await readFile(file, "utf8").catch(() => undefined);
    if (text === undefined) continue;
    const next = withFields(
      JSON.parse(text) as Record<string, unknown>,
      repositoryFields(url, `packages/${name}`),
    );
    await writeFile(file, JSON.stringify(next, null, 2) + "\n");
    changed.push(`packages/${name}/package.json`);
  }
  return changed;
}

async function main(): Promise<void> {
  const value = process.argv[2];
  if (!value) {
    console.error("usage: pnpm set-repository https://github.com/you/auth-sdks");
    process.exitCode = 2;
    return;
  }
  try {
    const changed = await setRepository(REPO_ROOT, value);
    console.log(
      `repository recorded in ${changed.join(", ")}. Next: pnpm generate (the provider packages take it from the root)`,
    );
  } catch (error) {
    console.error(`set-repository failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
