import { defineConfig } from "vitest/config";

// Real Redis servers and child processes: generous limits for a busy machine. Tests assert
// counts and behaviour, never a tight wall-clock budget.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // The fleet tests spawn many processes; one file at a time keeps a 2-core machine usable.
    fileParallelism: false,
  },
});
