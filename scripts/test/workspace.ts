import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as prettier from "prettier";
import { expect } from "vitest";
import { createCompiler } from "../bin/compile.mjs";
import { REPO_ROOT } from "../src/paths.ts";

export const FIXTURES = path.join(REPO_ROOT, "scripts/test/fixtures/specs");

/** A scratch repo-like root with the base tsconfig, where generated packages can be type-checked. */
export async function scratchRoot(): Promise<{ root: string; specs: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "auth-codegen-"));
  await cp(path.join(REPO_ROOT, "tsconfig.base.json"), path.join(root, "tsconfig.base.json"));
  const specs = path.join(root, "specs");
  await mkdir(specs);
  return { root, specs };
}

/** Links the workspace's @auth/core and openapi-fetch into a generated package. */
export async function linkDependencies(packageDir: string): Promise<void> {
  const modules = path.join(packageDir, "node_modules");
  await mkdir(path.join(modules, "@auth"), { recursive: true });
  await symlink(path.join(REPO_ROOT, "packages/core"), path.join(modules, "@auth/core"), "dir");
  await symlink(
    path.join(REPO_ROOT, "packages/core/node_modules/openapi-fetch"),
    path.join(modules, "openapi-fetch"),
    "dir",
  );
}

/** Copies the workspace as committed (and as a user's clone has it: tracked and unignored files). */
export async function copyWorkspace(destination: string): Promise<void> {
  const { stdout } = await promisify(execFile)(
    "git",
    ["ls-files", "-co", "--exclude-standard", "-z"],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 },
  );
  for (const file of stdout.split("\0").filter(Boolean)) {
    const source = path.join(REPO_ROOT, file);
    const exists = await readFile(source).then(
      () => true,
      () => false,
    );
    if (!exists) continue; // deleted in the working tree
    await mkdir(path.dirname(path.join(destination, file)), { recursive: true });
    await cp(source, path.join(destination, file));
  }
}

/**
 * Compiles generated packages as their build does (`pnpm build:providers`): each package's own
 * tsconfig.json (strict base config, emitting dist/), in this process with the build's compiler
 * (scripts/bin/compile.mjs: TypeScript loaded once, shared declarations parsed once). Any error in
 * any package fails it, with tsc's own diagnostics for each package that failed.
 */
export function compilePackages(dirs: readonly string[]): void {
  const compile = createCompiler();
  const failed = dirs
    .map((dir) => ({ dir, ...compile(path.join(dir, "tsconfig.json")) }))
    .filter((result) => !result.ok);
  if (failed.length > 0)
    throw new Error(
      `tsc failed:\n${failed.map(({ dir, output }) => `${path.basename(dir)}:\n${output}`).join("\n")}`,
    );
}

/**
 * What the prettier CLI prints for `content` at `relative` in this repository (its config,
 * overrides and `.prettierignore`), or undefined for a file it skips.
 */
export async function prettierCli(relative: string, content: string): Promise<string | undefined> {
  const filepath = path.join(REPO_ROOT, relative);
  const info = await prettier.getFileInfo(filepath, {
    ignorePath: path.join(REPO_ROOT, ".prettierignore"),
  });
  if (info.ignored) return undefined;
  const options = (await prettier.resolveConfig(filepath)) ?? {};
  return prettier.format(content, { ...options, filepath });
}

/**
 * Every file the generator rendered into a package folder is byte for byte what the prettier CLI
 * prints for it (what `pnpm lint`'s `prettier --check` would accept); returns how many files
 * were held to that (copied files and the ones prettier skips are not).
 */
export async function expectPrettierOutput(dir: string): Promise<number> {
  // Provider packages share one set of overrides, whatever their name: check each as manis.
  const asPath = path.basename(dir) === "sandbox" ? "packages/sandbox" : "packages/manis";
  let checked = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name === "LICENSE" || entry.name === "openapi.yaml") continue;
    const name = path.relative(dir, path.join(entry.parentPath, entry.name));
    if (name.startsWith("node_modules") || name.startsWith("dist")) continue;
    const content = await readFile(path.join(dir, name), "utf8");
    const expected = await prettierCli(path.join(asPath, name), content);
    if (expected === undefined) continue;
    expect({ file: path.join(dir, name), content }).toEqual({
      file: path.join(dir, name),
      content: expected,
    });
    checked++;
  }
  return checked;
}
