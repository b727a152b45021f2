#!/usr/bin/env node
// `lint` of one publishable package, run in its folder after its build: publint (`--strict`:
// warnings fail too) and Are the Types Wrong? (every resolution mode: node10, node16 from CommonJS
// and from ESM, bundler), both on the one tarball `pnpm pack` makes, as `pnpm release` packs and
// publishes it (workspace: ranges resolved, the monorepo's scripts dropped).
//
// It replaces `publint --strict && attw --pack .`: that packed the package twice (publint through
// the package manager, attw through `npm pack`) in two processes that each loaded their tool;
// one pack and one process cost less than half as much CPU. Prints every problem; exits 1 on any.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { problemKindInfo } from "@arethetypeswrong/core/problems";
import { publint } from "publint";
import { formatMessage } from "publint/utils";

/** The pnpm running this script (`npm_execpath`), else the one on PATH (as scripts/src/pnpm.ts). */
function pnpm() {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/i.test(path.basename(execpath)))
    return /\.[cm]?js$/.test(execpath)
      ? { command: process.execPath, prefix: [execpath] }
      : { command: execpath, prefix: [] };
  return { command: "pnpm", prefix: [] };
}

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const work = mkdtempSync(path.join(tmpdir(), "auth-lint-"));
let failed = false;
try {
  const { command, prefix } = pnpm();
  execFileSync(command, [...prefix, "pack", "--pack-destination", work], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [tarball] = readdirSync(work).filter((file) => file.endsWith(".tgz"));
  if (!tarball) throw new Error(`pnpm pack wrote no tarball for ${manifest.name}`);
  const data = readFileSync(path.join(work, tarball));

  const lint = await publint({
    strict: true,
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
  });
  for (const message of lint.messages) {
    console.log(`publint ${message.type}: ${formatMessage(message, lint.pkg)}`);
    if (message.type !== "suggestion") failed = true;
  }

  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
  if (!analysis.types) {
    console.log(`attw: ${manifest.name} ships no types`);
    failed = true;
  } else
    for (const problem of analysis.problems) {
      const where = [
        "entrypoint" in problem ? problem.entrypoint : undefined,
        "resolutionKind" in problem ? problem.resolutionKind : undefined,
      ]
        .filter(Boolean)
        .join(", ");
      console.log(
        `attw: ${problemKindInfo[problem.kind].title}${where ? ` (${where})` : ""}: ${problemKindInfo[problem.kind].docsUrl}`,
      );
      failed = true;
    }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failed) {
  console.log(`lint: ${manifest.name} has problems (above)`);
  process.exit(1);
}
console.log(`lint: ${manifest.name}: publint --strict and attw (every resolution mode) are clean`);
