import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { rescope } from "../src/release/rescope.ts";

describe("rescope", () => {
  it("rewrites package names and imports, and nothing else", async () => {
    const root = await mkdtemp(path.join(tmpdir(), "rescope-"));
    try {
      await writeFile(
        path.join(root, "package.json"),
        '{ "name": "@auth/core", "dependencies": { "@auth/sandbox": "workspace:^" } }',
      );
      await writeFile(
        path.join(root, "index.ts"),
        'import { x } from "@auth/core";\n// auth is a word, @authx/y is another scope\n',
      );
      await writeFile(path.join(root, "pnpm-lock.yaml"), "'@auth/core': link\n");
      await writeFile(path.join(root, "image.png"), "@auth/core");
      const changed = await rescope(
        root,
        ["package.json", "index.ts", "pnpm-lock.yaml", "image.png"],
        "@acme",
      );
      expect(changed).toEqual(["package.json", "index.ts"]);
      expect(await readFile(path.join(root, "package.json"), "utf8")).toBe(
        '{ "name": "@acme/core", "dependencies": { "@acme/sandbox": "workspace:^" } }',
      );
      expect(await readFile(path.join(root, "index.ts"), "utf8")).toContain('from "@acme/core"');
      expect(await readFile(path.join(root, "index.ts"), "utf8")).toContain("@authx/y");
      expect(await readFile(path.join(root, "pnpm-lock.yaml"), "utf8")).toContain("@auth/core");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses something that is not a scope", async () => {
    await expect(rescope(tmpdir(), [], "acme")).rejects.toThrow(/not an npm scope/);
    await expect(rescope(tmpdir(), [], "@Acme")).rejects.toThrow(/not an npm scope/);
  });
});
