import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Real I/O and child processes can be slow on a busy machine; tests assert behaviour, and
    // timing logic uses injected clocks.
    testTimeout: 30_000,
    // Type tests (src/**/*.test-d.ts) fail `pnpm typecheck` (tsc -p tsconfig.test.json holds
    // them): vitest's --typecheck would run the same tsc program a second time.
  },
});
