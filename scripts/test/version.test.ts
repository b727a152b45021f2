import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { versionPackages } from "../src/release/version.ts";

/** A scratch workspace: `fresh` never released, `old` released before (it has a CHANGELOG). */
async function workspace(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "auth-version-"));
  const write = async (file: string, text: string) => {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  };
  await write("package.json", JSON.stringify({ name: "scratch", private: true }));
  await write("pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  const manifest = (name: string, version: string) =>
    JSON.stringify({ name, version, description: `The ${name} package.` });
  await write("packages/fresh/package.json", manifest("@scratch/fresh", "0.1.0"));
  await write("packages/old/package.json", manifest("@scratch/old", "1.0.0"));
  await write("packages/old/CHANGELOG.md", "# @scratch/old\n\n## 1.0.0\n\nFirst release.\n");
  await write(
    ".changeset/config.json",
    JSON.stringify({
      // Resolved from the repository: the scratch workspace has no node_modules.
      changelog: path.join(REPO_ROOT, "node_modules/@changesets/cli/changelog"),
      commit: false,
      access: "public",
      baseBranch: "main",
      updateInternalDependencies: "patch",
      ignore: [],
    }),
  );
  await write(
    ".changeset/internal-history.md",
    '---\n"@scratch/fresh": minor\n"@scratch/old": minor\n---\n\nBreaking: `auth.middleware()` is now `authMiddleware(auth)`.\n',
  );
  return root;
}

describe("pnpm version-packages", () => {
  it("starts a first release's CHANGELOG clean and keeps a released package's history", async () => {
    const root = await workspace();
    try {
      expect(await versionPackages(root)).toEqual(["@scratch/fresh"]);
      const fresh = await readFile(path.join(root, "packages/fresh/CHANGELOG.md"), "utf8");
      expect(fresh).toBe(
        "# @scratch/fresh\n\n## 0.2.0\n\nFirst release. The @scratch/fresh package.\n",
      );
      const old = await readFile(path.join(root, "packages/old/CHANGELOG.md"), "utf8");
      expect(old).toContain("## 1.1.0");
      expect(old).toContain("`auth.middleware()` is now `authMiddleware(auth)`");
      expect(old).toContain("## 1.0.0");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }, 60_000);
});
