import { defineConfig } from "vitest/config";

// Generous limits: these tests do real I/O on a machine that may be busy. What they assert is
// behaviour (codes, counts, bytes), never that I/O finished inside a tight wall-clock budget.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 30_000 },
});
