#!/usr/bin/env node
// The CommonJS copy of a package, for consumers that cannot load ES modules: jest's module
// runtime (it does not do `require(esm)` before Node 24.9) and TypeScript projects compiled as
// CommonJS (`module: node16` in a `.cts` file, `module: commonjs`). Run in a package folder after
// `tsc` has written `dist/`: every `dist/**/*.js` becomes `dist/cjs/**/*.js` (esbuild, one file per
// module, so each module is still loaded once and `@auth/core` keeps one engine cache and one
// `AuthError` class per copy), every `.d.ts` is copied beside it, and `dist/cjs/package.json`
// marks the folder as CommonJS for Node and TypeScript alike.
//
// Node itself never loads this copy: the manifests list the `module-sync` condition first, which
// every Node the packages support (>= 20.19) matches for `import` and `require()` alike, so one
// process has one instance. Only tools that do not know that condition (jest, bundlers asked for
// `require`) take the `require` branch. See packages/core/README.md, "CommonJS".
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { transform } from "esbuild";

const dist = path.resolve("dist");
const out = path.join(dist, "cjs");

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== out) yield* walk(full);
    } else yield full;
  }
}

await rm(out, { recursive: true, force: true });
let modules = 0;
for await (const file of walk(dist)) {
  const relative = path.relative(dist, file);
  const target = path.join(out, relative);
  if (file.endsWith(".d.ts")) {
    await mkdir(path.dirname(target), { recursive: true });
    // Without its map: the map's relative paths point at ../src from dist/, not dist/cjs/.
    const text = await readFile(file, "utf8");
    await writeFile(target, text.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n"));
  } else if (file.endsWith(".js")) {
    const source = await readFile(file, "utf8");
    if (/\bimport\.meta\b/.test(source))
      throw new Error(`${relative} uses import.meta, which has no CommonJS equivalent here`);
    const { code } = await transform(source.replace(/\n\/\/# sourceMappingURL=.*\n?$/, "\n"), {
      format: "cjs",
      target: "es2022",
      platform: "neutral",
      sourcefile: relative,
      logLevel: "error",
    });
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, code);
    modules++;
  }
}
if (modules === 0) throw new Error(`no modules under ${dist}: run tsc first`);
await writeFile(path.join(out, "package.json"), '{\n  "type": "commonjs"\n}\n');
