import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseReleaseConfig, readReleaseConfig } from "../src/release/config.ts";
import { rescope } from "../src/release/rescope.ts";
import { rescopeText } from "../src/release/stage.ts";

describe("the release scope is one field", () => {
  it("`pnpm rescope` sets release.scope in the root package.json and nothing else", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "rescope-"));
    try {
      const manifest = { name: "auth-sdks", private: true, release: { scope: "@auth" } };
      await writeFile(path.join(root, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
      expect(await rescope(root, "@acme")).toBe("@auth");
      const after = await readFile(path.join(root, "package.json"), "utf8");
      // A one-line diff.
      expect(after).toBe(
        JSON.stringify({ ...manifest, release: { scope: "@acme" } }, null, 2) + "\n",
      );
      expect(await readReleaseConfig(root)).toEqual({ scope: "@acme" });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses something that is not a scope", async () => {
    await expect(rescope(tmpdir(), "acme")).rejects.toThrow(/not an npm scope/);
    await expect(rescope(tmpdir(), "@Acme")).rejects.toThrow(/not an npm scope/);
  });

  it("validates the release field: a scope, an optional http(s) registry without credentials", () => {
    expect(parseReleaseConfig({ scope: "@acme" })).toEqual({ scope: "@acme" });
    expect(
      parseReleaseConfig({ scope: "@acme", registry: "https://npm.example.internal" }),
    ).toEqual({ scope: "@acme", registry: "https://npm.example.internal/" });
    expect(() => parseReleaseConfig(undefined)).toThrow(/must be an object/);
    expect(() => parseReleaseConfig({ scope: "acme" })).toThrow(/"scope" must be an npm scope/);
    expect(() => parseReleaseConfig({ scope: "@acme", scopes: [] })).toThrow(
      /unknown keys \(scopes\)/,
    );
    expect(() => parseReleaseConfig({ scope: "@acme", registry: "ftp://x/" })).toThrow(
      /"registry" must be an http\(s\) URL/,
    );
    // A token in the URL would be printed by the guard: refused, and not echoed.
    let message = "";
    try {
      parseReleaseConfig({ scope: "@acme", registry: "https://user:s3cr3t@npm.example/" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/"registry" must be an http\(s\) URL/);
    expect(message).not.toContain("s3cr3t");
  });

  it("the published copies rename exactly the workspace's packages, subpaths included", () => {
    const names = ["@auth/core", "@auth/redis"];
    const text = [
      'import { x } from "@auth/core";',
      'import { y } from "@auth/core/provider";',
      'const r = require("@auth/redis");',
      "// `@auth/core`. @auth/core-extra, @authx/core, my@auth/core and @auth/other stay;",
      "The public `@auth` scope belongs to Auth.js; packages keep `@auth/*` names.",
    ].join("\n");
    expect(rescopeText(text, names, "@acme")).toBe(
      [
        'import { x } from "@acme/core";',
        'import { y } from "@acme/core/provider";',
        'const r = require("@acme/redis");',
        "// `@acme/core`. @auth/core-extra, @authx/core, my@auth/core and @auth/other stay;",
        "The public `@auth` scope belongs to Auth.js; packages keep `@auth/*` names.",
      ].join("\n"),
    );
  });
});
