#!/usr/bin/env node
// What `dist/` ships, made from tsc's output (`dist/**/*.js`, one file per source module, with
// declarations and source maps). Run in a package folder after `tsc`:
//
// 1. The CommonJS copy, for consumers that cannot load ES modules: jest's module runtime (it does
//    not do `require(esm)` before Node 24.9) and TypeScript projects compiled as CommonJS
//    (`module: node16` in a `.cts` file, `module: commonjs`). Every module becomes
//    `dist/cjs/**/*.js` on its own (esbuild transform, no bundling: each module is loaded once per
//    copy, so `@auth/core` keeps one engine cache and one `AuthError` class in it), every `.d.ts` is
//    copied beside it, and `dist/cjs/package.json` marks the folder as CommonJS.
// 2. For Node, the ES modules bundled: each entry point of the manifest (`exports`, `bin`) becomes
//    one file in `dist/node/`, and code two entry points share goes to `dist/node/chunks/`
//    (esbuild code splitting: still one copy of every module). An entry point another re-exports
//    whole becomes a file of re-exports from it: `@auth/core/provider` carries all of
//    `@auth/core`, so it holds the code and `dist/node/index.js` re-exports it (one engine cache
//    and one `AuthError`). Loading a provider package reads three files (its own, core's, and
//    openapi-fetch) instead of about thirty. Dependencies stay imports; source maps are chained to
//    `src/` through tsc's maps. The manifests send Node there with the `node` condition; bundlers
//    (which do not set it unless they target Node) keep tsc's one file per module, which they
//    tree-shake module by module (`sideEffects: false`). Declarations are tsc's, unchanged.
//
// Node itself never loads the CommonJS copy: the manifests list the `module-sync` condition
// first, which every Node the packages support (>= 20.19) matches for `import` and `require()`
// alike, so one process has one instance. See packages/core/README.md, "CommonJS".
//
// `buildDist(packageDir)` is also called in process by build-providers.mjs, once per provider.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { build, transform } from "esbuild";

async function* walk(dir, skip) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(full)) yield* walk(full, skip);
    } else yield full;
  }
}

/** Writes `dist/cjs/` and `dist/node/` of the package in `packageDir` from tsc's `dist/`. */
export async function buildDist(packageDir) {
  const dist = path.resolve(packageDir, "dist");
  const cjs = path.join(dist, "cjs");
  const node = path.join(dist, "node");

  // 1. CommonJS, one file per module.
  await rm(cjs, { recursive: true, force: true });
  await rm(node, { recursive: true, force: true });
  let modules = 0;
  for await (const file of walk(dist, [cjs, node])) {
    const relative = path.relative(dist, file);
    const target = path.join(cjs, relative);
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
  await writeFile(path.join(cjs, "package.json"), '{\n  "type": "commonjs"\n}\n');

  // 2. For Node: the ES modules bundled into dist/node/ (see the header).
  const manifest = JSON.parse(await readFile(path.join(packageDir, "package.json"), "utf8"));
  const entries = new Set();
  const collect = (value) => {
    if (typeof value === "string") {
      const match = /^\.\/dist\/(?:node\/)?(?!cjs\/)(.+\.js)$/.exec(value);
      if (match) entries.add(path.join(dist, match[1]));
    } else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  if (entries.size === 0) throw new Error("package.json names no ./dist/*.js entry point");
  // An entry point another one re-exports whole (`export * from "./index.js"` in core's
  // provider.ts) is written as re-exports of that one, which holds the code: a package importing
  // the larger entry loads one file, and both still share one copy of every module.
  const reexported = new Map();
  for (const entry of entries) {
    const source = await readFile(entry, "utf8");
    for (const [, target] of source.matchAll(/^export \* from "(\.\/[^"]+\.js)";$/gm)) {
      const whole = path.resolve(path.dirname(entry), target);
      if (entries.has(whole) && whole !== entry && !reexported.has(entry))
        reexported.set(whole, entry);
    }
  }
  for (const [whole, holder] of reexported) {
    entries.delete(whole);
    const { metafile } = await build({
      absWorkingDir: path.resolve(packageDir),
      entryPoints: [whole],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      packages: "external",
      external: ["node:*"],
      logLevel: "error",
    });
    const names = Object.values(metafile.outputs).flatMap((output) => output.exports);
    const from = path.relative(path.dirname(whole), holder).split(path.sep).join("/");
    const target = path.join(node, path.relative(dist, whole));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(
      target,
      `export {\n${names.map((name) => `  ${name},\n`).join("")}} from "./${from}";\n`,
    );
  }
  await build({
    absWorkingDir: path.resolve(packageDir),
    entryPoints: [...entries],
    outdir: node,
    outbase: dist,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    target: "esnext",
    // Dependencies (and Node's built-ins) are the consumer's to resolve: only our modules merge.
    packages: "external",
    external: ["node:*"],
    sourcemap: true,
    sourcesContent: false,
    chunkNames: "chunks/[name]-[hash]",
    logLevel: "error",
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await buildDist(process.cwd());
