#!/usr/bin/env node
// `pnpm build:providers` (turbo's `//#build:providers`, which every `build` waits for): builds
// every provider package generated from specs/, in this one process. For each package: tsc's
// program for its tsconfig.json (strict base config; it type-checks the package and writes
// `dist/`), then build-dist.mjs's CommonJS and bundled copies.
//
// One process instead of one `pnpm run build` per package: TypeScript is loaded once, and the
// declarations every provider reads (lib, core, openapi-fetch) are parsed once (compile.mjs), so
// a provider costs about 0.5 s of CPU here instead of about 3.2 s (pnpm, a shell, tsc, Node again).
//
// Every package is tried; each failure is reported with tsc's own diagnostics or the error, and
// the exit code is 1 if any failed. A package that failed to compile gets no dist/cjs or
// dist/node. Usage: `node scripts/bin/build-providers.mjs [id ...]` (default: every spec).
import { access, readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildDist } from "./build-dist.mjs";
import { createCompiler } from "./compile.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const requested = process.argv.slice(2);
const ids =
  requested.length > 0
    ? requested
    : (await readdir(path.join(root, "specs")))
        .filter((file) => file.endsWith(".yaml"))
        .map((file) => file.slice(0, -".yaml".length))
        .sort();

const compile = createCompiler();
const failures = [];
const started = performance.now();
for (const id of ids) {
  const dir = path.join(root, "packages", id);
  const config = path.join(dir, "tsconfig.json");
  try {
    await access(config).catch(() => {
      throw new Error(`packages/${id}/tsconfig.json is missing: run \`pnpm generate\` first`);
    });
    const { ok, output } = compile(config);
    if (!ok) throw new Error(`tsc -p packages/${id}/tsconfig.json:\n${output.trimEnd()}`);
    await buildDist(dir);
  } catch (error) {
    failures.push(id);
    console.error(
      `build-providers: ${id} failed\n${error instanceof Error ? error.message : error}`,
    );
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failures.length > 0) {
  console.error(
    `build-providers: ${failures.length} of ${ids.length} failed (${failures.join(", ")}) in ${seconds} s`,
  );
  process.exitCode = 1;
} else console.log(`build-providers: built ${ids.length} provider package(s) in ${seconds} s`);
