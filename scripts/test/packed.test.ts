import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pnpmCommand } from "../src/pnpm.ts";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { publishableNames } from "../src/release/release-guard.ts";

// What `npm pack` would put in each tarball (the built dist/ included: turbo builds before tests).
const run = promisify(execFile);
const PNPM = pnpmCommand();
const names = await publishableNames();
const directory = (name: string) => path.join(REPO_ROOT, "packages", name.split("/")[1]!);

describe.each(names)("the %s tarball", (name) => {
  it("ships its license and README, sources for every source map, and no tests", async () => {
    const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: directory(name),
    });
    const files = new Set(
      (JSON.parse(stdout) as [{ files: { path: string }[] }])[0].files.map((f) => f.path),
    );
    expect(files.has("LICENSE")).toBe(true);
    expect(files.has("README.md")).toBe(true);
    expect([...files].filter((f) => /\.test(-d)?\.ts$|test-support/.test(f))).toEqual([]);
    const maps = [...files].filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(await readFile(path.join(directory(name), map), "utf8")) as {
        sources: string[];
      };
      for (const source of sources)
        expect(files, `${map} → ${source}`).toContain(
          path.posix.join(path.posix.dirname(map), source),
        );
    }
  }, 60_000);

  it("is packed by pnpm without the monorepo's scripts or workspace: ranges", async () => {
    const destination = await mkdtemp(path.join(tmpdir(), "auth-pack-"));
    try {
      await run(PNPM.command, [...PNPM.prefix, "pack", "--pack-destination", destination], {
        cwd: directory(name),
      });
      const [tarball] = await readdir(destination);
      const { stdout } = await run("tar", [
        "-xzOf",
        path.join(destination, tarball!),
        "package/package.json",
      ]);
      const packed = JSON.parse(stdout) as Record<string, unknown>;
      expect(packed.name).toBe(name);
      expect(packed.scripts).toBeUndefined();
      expect(stdout).not.toContain("workspace:");
    } finally {
      await rm(destination, { recursive: true, force: true });
    }
  }, 60_000);

  it("says what it needs and carries no monorepo-only note", async () => {
    const manifest = JSON.parse(
      await readFile(path.join(directory(name), "package.json"), "utf8"),
    ) as Record<string, unknown>;
    expect(manifest["//"]).toBeUndefined();
    expect(manifest.engines).toEqual({ node: ">=20.19" });
    expect(manifest.license).toBe("MIT");
    expect(manifest.type).toBe("module");
  });
});
