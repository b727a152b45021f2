import { cp, mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
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
