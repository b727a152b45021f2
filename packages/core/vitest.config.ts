import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Real I/O and child processes can be slow on a busy machine; tests assert behaviour, and
    // timing logic uses injected clocks.
    testTimeout: 30_000,
    typecheck: { include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.test.json" },
  },
});
