import { cp, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatterFor } from "../src/codegen/format.ts";
import { generate } from "../src/codegen/generate.ts";
import { REPO_ROOT } from "../src/paths.ts";
import { expectPrettierOutput, FIXTURES, prettierCli, scratchRoot } from "./workspace.ts";

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe("the generator's output is what the prettier CLI prints", () => {
  // Every fixture spec (each token-endpoint shape, the hostile strings) and the real specs: the
  // joined TypeScript, the tables-only Markdown and the files printed in prettier's style
  // (format.ts) hold only if each file is byte for byte what `prettier --check` accepts.
  it("for every file of every package generated from the fixtures and specs/", async () => {
    const { root, specs } = await scratchRoot();
    roots.push(root);
    await cp(FIXTURES, specs, { recursive: true });
    for (const file of await readdir(path.join(REPO_ROOT, "specs"))) {
      if (file.endsWith(".yaml"))
        await cp(path.join(REPO_ROOT, "specs", file), path.join(specs, file));
    }
    const results = await generate({ specsDir: specs, outRoot: root, changesets: false });
    const ids = results.map((r) => r.id).filter((id) => id !== "sandbox" && id !== "examples");
    expect(ids.length).toBeGreaterThanOrEqual(20);
    let checked = 0;
    for (const id of ids) checked += await expectPrettierOutput(path.join(root, "packages", id));
    checked += await expectPrettierOutput(path.join(root, "packages/sandbox"));
    // Seven formatted files per package (schema.gen.ts is left as openapi-typescript printed it:
    // .prettierignore) and the sandbox's two lists.
    expect(checked).toBe(ids.length * 6 + 2);
  }, 120_000);
});

describe("formatterFor", () => {
  const format = formatterFor(REPO_ROOT);
  const at = (relative: string) => path.join(REPO_ROOT, relative);

  it("formats TypeScript files joined and hands each its own text back", async () => {
    const sources = [
      'export const a = {"x": 1}\n',
      "// a comment last\n",
      "export type B = { y: string, z: number }",
      "\n\n\nexport function c() { return 1 }\n\n\n",
    ];
    const requests = sources.map((source, i) => ({
      filepath: at(`packages/x/src/f${i}.gen.ts`),
      source,
    }));
    const joined = await format(requests);
    const alone = await Promise.all(
      requests.map(
        async (r) => (await prettierCli(path.relative(REPO_ROOT, r.filepath), r.source))!,
      ),
    );
    expect(joined).toEqual(alone);
    expect(joined[0]).toBe("export const a = { x: 1 };\n");
  });

  it("cannot be split by a source that forges the marker, and names a file that does not parse", async () => {
    // A template literal holding a line that looks like a split: the marker is random per batch.
    const tricky = "export const t = `\n// auth-generate-split-0000\n`;\n";
    const ok = "export const u = 1;\n";
    expect(
      await format([
        { filepath: at("packages/x/src/a.gen.ts"), source: tricky },
        { filepath: at("packages/x/src/b.gen.ts"), source: ok },
      ]),
    ).toEqual([tricky, ok]);
    await expect(
      format([
        { filepath: at("packages/x/src/a.gen.ts"), source: ok },
        { filepath: at("packages/x/src/b.gen.ts"), source: "export const = ;\n" },
      ]),
    ).rejects.toThrow(/Unexpected token|expected/i);
  });

  it("aligns Markdown tables (wide characters too) and leaves the prose as printed", async () => {
    const source = [
      "# Title",
      "",
      "Some prose, `code` and a very long line that prettier would keep as it is because prose wraps are preserved.",
      "",
      "| option | value |",
      "| --- | --- |",
      "| `a` | 東京 |",
      "| `longer` | x |",
      "",
      "More text.",
      "",
      "| k | v |",
      "| --- | --- |",
      "| 1 | 2 |",
      "",
    ].join("\n");
    const [formatted] = await format([{ filepath: at("packages/x/README.md"), source }]);
    expect(formatted).toBe(await prettierCli("packages/x/README.md", source));
    expect(formatted).toContain("| `a`      | 東京  |");
  });

  it("writes preformatted files as printed and puts verbatim text in after formatting", async () => {
    const [json, code] = await format([
      { filepath: at("packages/x/package.json"), source: '{"a":1}\n', preformatted: true },
      {
        filepath: at("packages/x/src/data.gen.ts"),
        source: "// prettier-ignore\nexport const data =   __data__;\n",
        verbatim: { __data__: '{ "kept":   "as is" }' },
      },
    ]);
    expect(json).toBe('{"a":1}\n');
    expect(code).toBe('// prettier-ignore\nexport const data =   { "kept":   "as is" };\n');
    await expect(
      format([
        {
          filepath: at("packages/x/src/data.gen.ts"),
          source: "export const data = 1;\n",
          verbatim: { __data__: "1" },
        },
      ]),
    ).rejects.toThrow(/placeholder __data__ came back 0 times/);
  });

  it("leaves a file .prettierignore names as printed", async () => {
    const source = "export interface paths {\n    a: string;\n}\n";
    const [out] = await format([{ filepath: at("packages/x/src/schema.gen.ts"), source }]);
    expect(out).toBe(source);
  });
});
