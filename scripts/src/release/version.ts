import { execFile } from "node:child_process";
import { access, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths.ts";
import { type PublishableManifest, publishableManifests } from "./release-guard.ts";

/**
 * `pnpm version-packages` (before `pnpm generate`): `changeset version`, except that a package's
 * first CHANGELOG starts clean. Until a package is released, its pending changesets record how the
 * repository got there — "Breaking" changes to APIs no user ever had, renamed internals — which
 * is history for maintainers (git has it), not news for a user. So a CHANGELOG.md that did not
 * exist before this run is replaced by its first release alone; later releases list their
 * changesets as usual.
 */
const run = promisify(execFile);

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The CHANGELOG of a package's first release. */
export function firstChangelog(
  manifest: Pick<PublishableManifest, "name" | "version" | "description">,
): string {
  const about = manifest.description ? ` ${manifest.description}` : "";
  return `# ${manifest.name}\n\n## ${manifest.version}\n\nFirst release.${about}\n`;
}

/**
 * Runs `changeset version` in `root` and gives every package released for the first time a clean
 * CHANGELOG. Returns the names of those packages.
 */
export async function versionPackages(
  root = REPO_ROOT,
  changeset = path.join(REPO_ROOT, "node_modules/.bin/changeset"),
): Promise<string[]> {
  const before = new Set<string>();
  for (const { dir } of await publishableManifests(root))
    if (await exists(path.join(dir, "CHANGELOG.md"))) before.add(dir);
  await run(changeset, ["version"], { cwd: root, maxBuffer: 1 << 24 });
  const first: string[] = [];
  // Read again: `changeset version` has just written the new versions.
  for (const manifest of await publishableManifests(root)) {
    const changelog = path.join(manifest.dir, "CHANGELOG.md");
    if (before.has(manifest.dir) || !(await exists(changelog))) continue;
    await writeFile(changelog, firstChangelog(manifest));
    first.push(manifest.name);
  }
  return first;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const first = await versionPackages();
  if (first.length > 0)
    console.log(`first releases, with a clean CHANGELOG.md: ${first.join(", ")}`);
}
