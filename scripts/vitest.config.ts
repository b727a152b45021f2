import { defineConfig } from "vitest/config";

/**
 * The two tests that work in a scratch copy of the whole workspace (copy, install, generate,
 * build, publish) need nothing built here first, so they are their own turbo task
 * (`test:scratch`), which starts at once beside the builds instead of after them, and runs the two
 * side by side (`--maxWorkers=2`: each is a long chain of processes, and the longest task of
 * `pnpm test`). `vitest run` alone runs both projects.
 */
const SCRATCH = ["test/new-provider.test.ts", "test/release.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // One module graph for all of this suite's files (vitest's isolate: false): each file
    // re-importing and re-transforming the sources cost a third to a half of the suite's CPU time
    // here. No file relies on fresh module state (shuffled file orders pass); stubbed globals are
    // restored.
    isolate: false,
    projects: [
      { extends: true, test: { name: "unit", include: ["test/**/*.test.ts"], exclude: SCRATCH } },
      { extends: true, test: { name: "scratch", include: SCRATCH } },
    ],
  },
});
