import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    testTimeout: 30_000,
    // A redis-server of the suite's own on a random port (or REDIS_URL), as @auth/redis's tests use.
    globalSetup: ["../packages/redis/test/global-setup.ts"],
  },
});
