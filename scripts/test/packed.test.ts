import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pnpmCommand } from "../src/pnpm.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { publishableNames } from "../src/release/release-guard.ts";

// What each tarball holds, packed once per package by pnpm as `pnpm release` packs it (stage.ts:
// pnpm turns `workspace:` ranges into versions and drops the monorepo's scripts; the release then
// publishes exactly those files). The built dist/ is in it: turbo builds before tests.
const run = promisify(execFile);
const PNPM = pnpmCommand();
const names = await publishableNames();
const directory = (name: string) => path.join(REPO_ROOT, "packages", name.split("/")[1]!);

interface Packed {
  files: Set<string>;
  manifest: string;
}
let destination: string;
const packed = new Map<string, Packed>();
beforeAll(async () => {
  destination = await mkdtemp(path.join(tmpdir(), "auth-pack-"));
  for (const name of names) {
    const out = path.join(destination, name.split("/")[1]!);
    await run(PNPM.command, [...PNPM.prefix, "pack", "--pack-destination", out], {
      cwd: directory(name),
    });
    const [tarball] = await readdir(out);
    const file = path.join(out, tarball!);
    const listing = (await run("tar", ["-tzf", file], { maxBuffer: 1 << 24 })).stdout;
    const manifest = (await run("tar", ["-xzOf", file, "package/package.json"])).stdout;
    packed.set(name, {
      files: new Set(
        listing
          .split("\n")
          .filter((line) => line.startsWith("package/") && !line.endsWith("/"))
          .map((line) => line.slice("package/".length)),
      ),
      manifest,
    });
  }
}, 180_000);
afterAll(async () => {
  if (destination) await rm(destination, { recursive: true, force: true });
});

describe.each(names)("the %s tarball", (name) => {
  it("ships its license and README, sources for every source map, and no tests", async () => {
    const { files } = packed.get(name)!;
    expect(files.has("LICENSE")).toBe(true);
    expect(files.has("README.md")).toBe(true);
    expect(files.has("package.json")).toBe(true);
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
  });

  it("is packed without the monorepo's scripts or workspace: ranges", () => {
    const { manifest } = packed.get(name)!;
    const parsed = JSON.parse(manifest) as Record<string, unknown>;
    expect(parsed.name).toBe(name);
    expect(parsed.scripts).toBeUndefined();
    expect(manifest).not.toContain("workspace:");
  });

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
