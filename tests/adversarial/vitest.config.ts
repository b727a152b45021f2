import { defineConfig } from "vitest/config";

// Generous limits: these tests do real I/O on a machine that may be busy. What they assert is
// behaviour (codes, counts, bytes), never that I/O finished inside a tight wall-clock budget.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // One module graph for all of this suite's files (vitest's isolate: false): each file
    // re-importing and re-transforming the sources cost a third to a half of the suite's CPU time
    // here. No file relies on fresh module state (shuffled file orders pass); stubbed globals are
    // restored.
    isolate: false,
  },
});
