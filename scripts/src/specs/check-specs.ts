import { spawnSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { REPO_ROOT } from "../paths.ts";
import { loadSpec } from "../codegen/load-spec.ts";
import { formatProblem, type Problem } from "../codegen/problems.ts";
import { validateExamples } from "./validate-examples.ts";

/** Lints every spec with Redocly (recommended rules, zero errors) and validates every example with ajv. */
async function main(): Promise<void> {
  const specsDir = path.join(REPO_ROOT, "specs");
  const files = (await readdir(specsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const problems: Problem[] = [];
  for (const name of files) {
    const file = `specs/${name}`;
    const loaded = await loadSpec(path.join(specsDir, name), file);
    problems.push(...loaded.problems);
    if (loaded.spec) {
      const found = validateExamples(file, loaded.spec.document);
      problems.push(...found);
      console.log(
        `${file}: examples ${found.length === 0 ? "valid" : `${found.length} problem(s)`}`,
      );
    }
  }

  const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
  const lint = spawnSync(
    process.execPath,
    [redocly, "lint", "--format=stylish", ...files.map((f) => `specs/${f}`)],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      // Redocly reports usage and checks for updates over the network unless told not to.
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: "off",
        REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
        NO_COLOR: "1",
      },
    },
  );
  const output = `${lint.stdout}${lint.stderr}`
    .split("\n")
    .filter((line) => line.trim() !== "" && !/[║╔╚]/.test(line))
    .join("\n");
  console.log(output);
  if (lint.status !== 0) {
    problems.push({
      file: "specs",
      pointer: "",
      message: `redocly lint failed (exit ${lint.status}); see its report above`,
    });
  }

  if (problems.length > 0) {
    for (const problem of problems) console.error(formatProblem(problem));
    console.error(`check-specs failed: ${problems.length} problem(s)`);
    process.exitCode = 1;
  } else {
    console.log(`check-specs: ${files.length} specs lint clean, every example validates`);
  }
}

await main();
