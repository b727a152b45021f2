import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    // One module graph for all of this suite's files (vitest's isolate: false): each file
    // re-importing and re-transforming the sources cost a third to a half of the suite's CPU time
    // here. No file relies on fresh module state (shuffled file orders pass); stubbed globals are
    // restored.
    isolate: false,
    // A redis-server of the suite's own on a random port (or REDIS_URL), as @auth/redis's tests use.
    globalSetup: ["../packages/redis/test/global-setup.ts"],
  },
});
