import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Real I/O and child processes can be slow on a busy machine; tests assert behaviour, and
    // timing logic uses injected clocks.
    testTimeout: 30_000,
    // One module graph for all of this suite's files (vitest's isolate: false): each file
    // re-importing and re-transforming the sources cost a third to a half of the suite's CPU time
    // here. No file relies on fresh module state (shuffled file orders pass); stubbed globals are
    // restored.
    isolate: false,
    // Type tests (src/**/*.test-d.ts) fail `pnpm typecheck` (tsc -p tsconfig.test.json holds
    // them): vitest's --typecheck would run the same tsc program a second time.
  },
});
