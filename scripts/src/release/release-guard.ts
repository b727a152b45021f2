import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { REPO_ROOT } from "../paths.ts";

const run = promisify(execFile);

/** The public npm scope `@auth` belongs to Auth.js: these packages must never be published there. */
const FOREIGN_SCOPES = ["@auth"];

/**
 * Why a release must not go ahead, or undefined when it may: every publishable package is under
 * one scope, that scope is not someone else's, and the person releasing confirmed owning it
 * (`RELEASE_SCOPE=@your-scope`).
 */
export function releaseProblem(
  names: readonly string[],
  confirmedScope: string | undefined,
): string | undefined {
  const scopes = [
    ...new Set(names.map((name) => (name.startsWith("@") ? name.split("/")[0]! : "(no scope)"))),
  ];
  if (scopes.length !== 1)
    return `the publishable packages use several scopes (${scopes.join(", ")}); run \`pnpm rescope @your-scope\` to move them all to one you own`;
  const scope = scopes[0]!;
  if (FOREIGN_SCOPES.includes(scope))
    return `the packages are named ${scope}/*, and the public npm scope ${scope} belongs to Auth.js: installing them would resolve to Auth.js's packages. Run \`pnpm rescope @your-scope\` (a scope you own), then \`pnpm install && pnpm generate\`, then release with RELEASE_SCOPE=@your-scope`;
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
 * Where `npm publish` (which `changeset publish` runs) would send packages of `scope`: the
 * scope's own registry line in npm's configuration (`.npmrc`, `npm_config_*`), else the default.
 * Asked of npm in `env`: under `pnpm run`, `npm_config_registry` is pnpm's registry, which is
 * what a publish from that script would use.
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

async function main(): Promise<void> {
  const manifests = await publishableManifests();
  const scope = manifests[0]?.name.split("/")[0] ?? "(none)";
  // Printed before anything else: the person releasing sees where the packages would go.
  console.log(
    `release: ${manifests.length} packages (${manifests.map((m) => m.name).join(", ")}) would be published to ${await targetRegistry(scope)}`,
  );
  const problem =
    releaseProblem(
      manifests.map((m) => m.name),
      process.env.RELEASE_SCOPE,
    ) ?? metadataProblem(manifests);
  if (problem) {
    console.error(`release refused: ${problem}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await main();
