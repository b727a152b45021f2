import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths.ts";
import { pnpmCommand } from "../pnpm.ts";
import { publishedName, readReleaseConfig, type ReleaseConfig } from "./config.ts";
import { publishableManifests, releaseRegistry } from "./release-guard.ts";
import { stagePackages, type StagedPackage } from "./stage.ts";

const run = promisify(execFile);

interface NpmFailure {
  readonly stdout?: string;
  readonly stderr?: string;
}

/** Whether `name@version` is already on `registry` (a 404 means no; any other failure throws). */
async function isPublished(name: string, version: string, registry: string): Promise<boolean> {
  try {
    const { stdout } = await run(
      "npm",
      ["view", `${name}@${version}`, "version", "--json", "--registry", registry],
      { cwd: REPO_ROOT },
    );
    return stdout.trim() !== "";
  } catch (error) {
    const { stdout = "", stderr = "" } = error as NpmFailure;
    if (/E404|404 Not Found|is not in this registry/.test(stdout + stderr)) return false;
    throw new Error(
      `could not ask ${registry} whether ${name}@${version} exists: ${stderr.trim()}`,
    );
  }
}

/**
 * The workspace names of the packages whose version is not on `registry` yet under `scope` (all
 * asked at once). A rerun after a partial release finishes it, and one after a whole release
 * stages and publishes nothing.
 */
async function unpublished(
  manifests: readonly { name: string; version: string }[],
  scope: string,
  registry: string,
  log: (line: string) => void,
): Promise<string[]> {
  const there = await Promise.all(
    manifests.map((m) => isPublished(publishedName(m.name, scope), m.version, registry)),
  );
  manifests.forEach((m, i) => {
    if (there[i])
      log(
        `release: ${publishedName(m.name, scope)}@${m.version} is already on ${registry}; skipped`,
      );
  });
  return manifests.filter((_, i) => !there[i]).map((m) => m.name);
}

/**
 * Publishes the staged packages to `registry`, core first (the caller has left out versions
 * already there). `npm publish` runs from the repository root, so the root `.npmrc` (the
 * registry's token line) applies; the registry is passed explicitly, so the packages go where the
 * guard said.
 */
export async function publishStaged(
  staged: readonly StagedPackage[],
  registry: string,
  log: (line: string) => void = console.log,
): Promise<string[]> {
  const published: string[] = [];
  // Dependencies before dependents: core, then everything else (they depend on core only).
  const ordered = [...staged].sort(
    (a, b) => Number(b.name.endsWith("/core")) - Number(a.name.endsWith("/core")),
  );
  for (const pkg of ordered) {
    const tag = pkg.version.includes("-") ? "next" : "latest";
    await run(
      "npm",
      [
        "publish",
        pkg.dir,
        "--registry",
        registry,
        "--access",
        "public",
        "--tag",
        tag,
        "--ignore-scripts",
        "--provenance=false",
      ],
      { cwd: REPO_ROOT },
    ).catch((error: NpmFailure) => {
      throw new Error(
        `npm publish ${pkg.name}@${pkg.version} to ${registry} failed (${published.length} published before it): ${(error.stderr ?? "").trim().split("\n").slice(-3).join(" ")}`,
      );
    });
    published.push(`${pkg.name}@${pkg.version}`);
    // The line changesets prints: CI release tooling (changesets/action) reads it.
    log(`New tag: ${pkg.name}@${pkg.version}`);
  }
  return published;
}

/** Writes the staged packages as tarballs into `destination` (for installing before publishing). */
export async function packStaged(
  staged: readonly StagedPackage[],
  destination: string,
): Promise<string[]> {
  await mkdir(destination, { recursive: true });
  const tarballs: string[] = [];
  for (const pkg of staged) {
    const { stdout } = await run("npm", ["pack", pkg.dir, "--ignore-scripts", "--json"], {
      cwd: destination,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    tarballs.push(path.join(destination, filename));
  }
  return tarballs;
}

async function tagReleases(published: readonly string[], root: string): Promise<void> {
  if (!existsSync(path.join(root, ".git"))) return;
  for (const tag of published) await run("git", ["tag", tag], { cwd: root }).catch(() => undefined);
}

/**
 * `pnpm release`: asks the registry which versions it has, then packs, rewrites and publishes only
 * the others (a rerun after a whole release stages nothing).
 */
async function publish(config: ReleaseConfig, work: string): Promise<void> {
  const registry = await releaseRegistry(config);
  const manifests = await publishableManifests();
  const pending = await unpublished(manifests, config.scope, registry, console.log);
  const staged =
    pending.length === 0
      ? []
      : await stagePackages(config, path.join(work, "staged"), {
          pnpm: pnpmCommand(),
          only: pending,
        });
  const published = await publishStaged(staged, registry);
  await tagReleases(published, REPO_ROOT);
  console.log(
    `release: published ${published.length} of ${manifests.length} packages to ${registry}`,
  );
}

/** `pnpm release:pack [dir]`: every package staged under the scope, as tarballs in `dir`. */
async function pack(config: ReleaseConfig, work: string, to: string | undefined): Promise<void> {
  const staged = await stagePackages(config, path.join(work, "staged"), { pnpm: pnpmCommand() });
  // Relative to where the user ran `pnpm release:pack` (pnpm runs this from scripts/).
  const base = process.env.INIT_CWD ?? process.cwd();
  const destination = path.resolve(base, to ?? "tarballs");
  await rm(destination, { recursive: true, force: true });
  const tarballs = await packStaged(staged, path.join(work, "tarballs"));
  await mkdir(destination, { recursive: true });
  for (const tarball of tarballs)
    await copyFile(tarball, path.join(destination, path.basename(tarball)));
  console.log(
    `release: ${tarballs.length} tarballs under ${config.scope} in ${destination}: ${tarballs.map((t) => path.basename(t)).join(", ")}`,
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const packIndex = args.indexOf("--pack");
  let config: ReleaseConfig;
  try {
    config = await readReleaseConfig();
  } catch (error) {
    console.error(`release failed: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  const work = await mkdtemp(path.join(tmpdir(), "auth-release-"));
  try {
    if (packIndex === -1) await publish(config, work);
    else await pack(config, work, args[packIndex + 1]);
  } catch (error) {
    console.error(`release failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
