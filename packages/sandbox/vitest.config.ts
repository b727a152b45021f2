import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Type tests (test/**/*.test-d.ts) fail `pnpm typecheck` (tsc -p tsconfig.json holds them):
    // vitest's --typecheck would run the same tsc program a second time.
  },
});
