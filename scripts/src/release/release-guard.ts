import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths.ts";
import { publishedName, readReleaseConfig, type ReleaseConfig } from "./config.ts";

const run = promisify(execFile);

/** The public npm scope `@auth` belongs to Auth.js: these packages must never be published there. */
const FOREIGN_SCOPES = ["@auth"];

/**
 * Why a release must not go ahead, or undefined when it may: the workspace's packages share one
 * scope (the internal names the release rewrites), the configured scope is not someone else's,
 * and the person releasing confirmed owning it (`RELEASE_SCOPE=@your-scope`).
 */
export function releaseProblem(
  names: readonly string[],
  scope: string,
  confirmedScope: string | undefined,
): string | undefined {
  const scopes = [
    ...new Set(names.map((name) => (name.startsWith("@") ? name.split("/")[0]! : "(no scope)"))),
  ];
  if (scopes.length !== 1)
    return `the workspace's publishable packages use several scopes (${scopes.join(", ")}); give them one (the release renames them to the configured scope)`;
  if (FOREIGN_SCOPES.includes(scope))
    return `the release scope is ${scope}, and the public npm scope ${scope} belongs to Auth.js: installing the packages would resolve to Auth.js's. Set "release": { "scope": "@your-scope" } in the root package.json (a scope you own; \`pnpm rescope @your-scope\` does it), then release with RELEASE_SCOPE=@your-scope`;
  if (confirmedScope !== scope)
    return `confirm that you own the npm scope ${scope}: run the release with RELEASE_SCOPE=${scope}${confirmedScope ? ` (RELEASE_SCOPE is ${confirmedScope})` : ""}`;
  return undefined;
}

/** Manifests of the packages changesets would publish: every non-private package under packages/. */
export interface PublishableManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly private?: boolean;
  readonly repository?: { url?: string };
  /** The package's folder (not a manifest field). */
  readonly dir: string;
}

export async function publishableManifests(root = REPO_ROOT): Promise<PublishableManifest[]> {
  const manifests: PublishableManifest[] = [];
  for (const entry of await readdir(path.join(root, "packages"), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = path.join(root, "packages", entry.name);
    const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as Omit<
      PublishableManifest,
      "dir"
    >;
    if (!manifest.private) manifests.push({ ...manifest, dir });
  }
  return manifests.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Names of the packages changesets would publish. */
export async function publishableNames(root = REPO_ROOT): Promise<string[]> {
  return (await publishableManifests(root)).map((m) => m.name);
}

/** Why the packages' npm metadata is not ready to publish, or undefined when it is. */
export function metadataProblem(
  manifests: readonly { name: string; repository?: { url?: string } }[],
): string | undefined {
  const missing = manifests.filter((m) => typeof m.repository?.url !== "string").map((m) => m.name);
  if (missing.length === 0) return undefined;
  return `${missing.join(", ")} ${missing.length > 1 ? "have" : "has"} no repository (npm would show no source, homepage or issue tracker): run \`pnpm set-repository https://github.com/you/your-repo\`, then \`pnpm generate\``;
}

/**
 * Where `npm publish` would send packages of `scope`: the scope's own registry line in npm's
 * configuration (`.npmrc`, `npm_config_*`), else the default. Asked of npm in `env`: under
 * `pnpm run`, `npm_config_registry` is pnpm's registry, which is what a publish from that script
 * would use.
 */
export async function targetRegistry(
  scope: string,
  cwd = REPO_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const get = async (key: string) =>
    (await run("npm", ["config", "get", key], { cwd, env })).stdout.trim();
  const scoped = await get(`${scope}:registry`);
  return scoped && scoped !== "undefined" ? scoped : await get("registry");
}

/** Where this release goes: the config's `registry`, else where npm sends the scope. */
export async function releaseRegistry(
  config: ReleaseConfig,
  cwd = REPO_ROOT,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  return config.registry ?? (await targetRegistry(config.scope, cwd, env));
}

async function main(): Promise<void> {
  const manifests = await publishableManifests();
  let config: ReleaseConfig;
  try {
    config = await readReleaseConfig();
  } catch (error) {
    console.error(`release refused: ${(error as Error).message}`);
    process.exitCode = 1;
    return;
  }
  // Printed before anything else: the person releasing sees what would go where.
  console.log(
    `release: ${manifests.length} packages (${manifests.map((m) => publishedName(m.name, config.scope)).join(", ")}) would be published to ${await releaseRegistry(config)}`,
  );
  const problem =
    releaseProblem(
      manifests.map((m) => m.name),
      config.scope,
      process.env.RELEASE_SCOPE,
    ) ?? metadataProblem(manifests);
  if (problem) {
    console.error(`release refused: ${problem}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
