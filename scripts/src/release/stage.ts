import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths.ts";
import { publishedName, type ReleaseConfig } from "./config.ts";
import { publishableManifests } from "./release-guard.ts";

const run = promisify(execFile);

/** One package as it will be published: its folder (what `npm publish` is given) and identity. */
export interface StagedPackage {
  /** The workspace name (`@auth/core`). */
  readonly internalName: string;
  /** The published name (`@acme/core`). */
  readonly name: string;
  readonly version: string;
  /** The unpacked folder, rewritten under the published scope. */
  readonly dir: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Replaces each of `names` (exact package names, and their subpaths such as `@auth/core/provider`)
 * with the same name under `scope`. A longer name that merely starts with one (`@auth/core-x`) or
 * another scope (`@authx/core`) is left alone.
 */
export function rescopeText(text: string, names: readonly string[], scope: string): string {
  if (names.length === 0) return text;
  const pattern = new RegExp(
    `(?<![A-Za-z0-9_@-])(${names.map(escapeRegExp).join("|")})(?![A-Za-z0-9_-])`,
    "g",
  );
  return text.replace(pattern, (name) => publishedName(name, scope));
}

const TEXT = /\.(?:[cm]?js|[cm]?ts|map|json|md|txt)$/;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/**
 * Packs every publishable package with pnpm (which turns `workspace:` ranges into versions and,
 * through `.pnpmfile.cjs`, drops the monorepo scripts), unpacks each into `out`, and rewrites the
 * workspace names into `config.scope` in every text file: the manifest, code, type declarations,
 * source maps, README and CHANGELOG. Adds `publishConfig.registry` when the config names one.
 *
 * Everything the packages compare by name follows the scope (`Symbol.for` keys, the shared store's
 * key derivation), so a published set is one family; every package of a release is rewritten
 * together.
 */
export async function stagePackages(
  config: ReleaseConfig,
  out: string,
  options: {
    root?: string;
    pnpm?: { command: string; prefix: string[] };
    /** Workspace names to stage (default: every publishable package). */
    only?: readonly string[];
  } = {},
): Promise<StagedPackage[]> {
  const root = options.root ?? REPO_ROOT;
  const pnpm = options.pnpm ?? { command: "pnpm", prefix: [] };
  const all = await publishableManifests(root);
  // Every workspace name is rewritten, whichever packages are staged.
  const names = all.map((m) => m.name);
  const manifests = options.only ? all.filter((m) => options.only!.includes(m.name)) : all;
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const staged: StagedPackage[] = [];
  for (const manifest of manifests) {
    const name = publishedName(manifest.name, config.scope);
    const short = name.slice(config.scope.length + 1);
    const packs = path.join(out, ".packs", short);
    await mkdir(packs, { recursive: true });
    await run(pnpm.command, [...pnpm.prefix, "pack", "--pack-destination", packs], {
      cwd: manifest.dir,
    });
    const [tarball] = await readdir(packs);
    if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
    const dir = path.join(out, short);
    await mkdir(dir);
    await run("tar", ["-xzf", path.join(packs, tarball), "-C", dir, "--strip-components=1"]);
    for (const file of await filesUnder(dir)) {
      if (!TEXT.test(file)) continue;
      const text = await readFile(file, "utf8");
      const next = rescopeText(text, names, config.scope);
      if (next !== text) await writeFile(file, next);
    }
    const manifestPath = path.join(dir, "package.json");
    const published = JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, unknown>;
    if (published.name !== name)
      throw new Error(`staged ${manifest.name} is named ${String(published.name)}, not ${name}`);
    if (JSON.stringify(published).includes("workspace:"))
      throw new Error(`staged ${name} still has a workspace: range (pack it with pnpm)`);
    if (config.registry) {
      published.publishConfig = {
        ...(published.publishConfig as object | undefined),
        registry: config.registry,
      };
      await writeFile(manifestPath, `${JSON.stringify(published, null, 2)}\n`);
    }
    staged.push({ internalName: manifest.name, name, version: manifest.version, dir });
  }
  await rm(path.join(out, ".packs"), { recursive: true, force: true });
  return staged;
}
