import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generate } from "../src/codegen/generate.ts";
import { REPO_ROOT } from "../src/paths.ts";
import { metadataProblem, publishableManifests } from "../src/release/release-guard.ts";
import {
  normaliseRepositoryUrl,
  repositoryFields,
  setRepository,
} from "../src/codegen/repository.ts";
import { FIXTURES } from "./workspace.ts";

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

describe("repository metadata: one source, every manifest, required to publish", () => {
  it("normalises the usual forms and refuses what is not an https repository", () => {
    for (const form of [
      "https://github.com/acme/auth-sdks",
      "https://github.com/acme/auth-sdks.git",
      "git+https://github.com/acme/auth-sdks.git",
      "https://github.com/acme/auth-sdks/",
    ])
      expect(normaliseRepositoryUrl(form)).toBe("https://github.com/acme/auth-sdks");
    for (const bad of [
      "http://github.com/a/b",
      "git@github.com:a/b.git",
      "https://u:p@host/a",
      "nope",
    ])
      expect(normaliseRepositoryUrl(bad)).toBeUndefined();
  });

  it("derives repository, homepage and bugs per package directory", () => {
    expect(repositoryFields("https://github.com/acme/auth-sdks", "packages/enkash")).toEqual({
      repository: {
        type: "git",
        url: "git+https://github.com/acme/auth-sdks.git",
        directory: "packages/enkash",
      },
      homepage: "https://github.com/acme/auth-sdks/tree/main/packages/enkash#readme",
      bugs: { url: "https://github.com/acme/auth-sdks/issues" },
    });
    // A host whose layout is not known gets the repository only.
    expect(
      Object.keys(repositoryFields("https://git.example.org/acme/auth-sdks", "packages/core")),
    ).toEqual(["repository"]);
    expect(repositoryFields(undefined, "packages/core")).toEqual({});
  });

  it("set-repository records it; generated packages take it; the release guard then lets it pass", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "auth-repository-"));
    roots.push(root);
    await cp(path.join(REPO_ROOT, "package.json"), path.join(root, "package.json"));
    await cp(path.join(REPO_ROOT, "tsconfig.base.json"), path.join(root, "tsconfig.base.json"));
    for (const name of ["core", "redis", "sandbox"]) {
      await mkdir(path.join(root, "packages", name), { recursive: true });
      await cp(
        path.join(REPO_ROOT, "packages", name, "package.json"),
        path.join(root, "packages", name, "package.json"),
      );
    }
    await mkdir(path.join(root, "specs"));
    await writeFile(
      path.join(root, "specs/acme.yaml"),
      await readFile(path.join(FIXTURES, "acme.yaml"), "utf8"),
    );
    await generate({ specsDir: path.join(root, "specs"), outRoot: root, changesets: false });
    expect(metadataProblem(await publishableManifests(root))).toMatch(
      /@auth\/acme, @auth\/core, @auth\/redis, @auth\/sandbox have no repository.*pnpm set-repository/,
    );

    await setRepository(root, "https://github.com/acme/auth-sdks.git");
    await generate({ specsDir: path.join(root, "specs"), outRoot: root, changesets: false });
    const acme = JSON.parse(await readFile(path.join(root, "packages/acme/package.json"), "utf8"));
    expect(acme.repository).toEqual({
      type: "git",
      url: "git+https://github.com/acme/auth-sdks.git",
      directory: "packages/acme",
    });
    expect(Object.keys(acme).indexOf("repository")).toBe(Object.keys(acme).indexOf("license") + 1);
    const core = JSON.parse(await readFile(path.join(root, "packages/core/package.json"), "utf8"));
    expect(core.bugs).toEqual({ url: "https://github.com/acme/auth-sdks/issues" });
    expect(core.scripts).toBeDefined(); // the rest of a hand-written manifest is untouched
    expect(metadataProblem(await publishableManifests(root))).toBeUndefined();
  }, 60_000);

  it("refuses a URL it cannot use", async () => {
    await expect(setRepository(tmpdir(), "git@github.com:acme/auth-sdks.git")).rejects.toThrow(
      /not an https repository URL/,
    );
  });
});
