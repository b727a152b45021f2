import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // One module graph for all of this suite's files (vitest's isolate: false): each file
    // re-importing and re-transforming the sources cost a third to a half of the suite's CPU time
    // here. No file relies on fresh module state (shuffled file orders pass); stubbed globals are
    // restored.
    isolate: false,
    // Type tests (test/**/*.test-d.ts) fail `pnpm typecheck` (tsc -p tsconfig.json holds them):
    // vitest's --typecheck would run the same tsc program a second time.
  },
});
