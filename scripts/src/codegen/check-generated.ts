import { spawnSync } from "node:child_process";
import { formatProblem, ProblemsError } from "./problems.ts";
import { generate } from "./generate.ts";
import { REPO_ROOT } from "../paths.ts";

/**
 * Drift check: the committed packages must be exactly what the specs generate. Compares in memory
 * (works anywhere), and in CI also fails on any `git diff` under packages/, examples/ and
 * .changeset/, since
 * the build regenerates before this runs.
 */
async function main(): Promise<void> {
  try {
    await generate({ check: true });
  } catch (error) {
    if (!(error instanceof ProblemsError)) throw error;
    for (const problem of error.problems) console.error(formatProblem(problem));
    console.error(
      "generated packages are out of date with specs/: run `pnpm generate` and commit the result",
    );
    process.exitCode = 1;
    return;
  }
  if (process.env.CI) {
    const status = spawnSync(
      "git",
      ["status", "--porcelain", "--", "packages", "examples", ".changeset", "specs"],
      { cwd: REPO_ROOT, encoding: "utf8" },
    );
    if (status.status !== 0) {
      console.error(`git status failed: ${status.stderr.trim()}`);
      process.exitCode = 1;
      return;
    }
    const dirty = status.stdout.trim();
    if (dirty !== "") {
      console.error(dirty);
      console.error(
        "the working tree differs from the commit after regenerating: run `pnpm generate` and commit the result",
      );
      process.exitCode = 1;
      return;
    }
  }
  console.log("check-generated: every package matches its spec");
}

await main();
