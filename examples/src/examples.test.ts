import { createServer, type AddressInfo } from "node:net";
import { startSandbox } from "@auth/sandbox";
import { createClient } from "redis";
import { describe, expect, it } from "vitest";
import { createBackend } from "./backend.js";
import { startFleetProcess } from "./fleet.js";
import { describeSession, loadStatus } from "./frontend.js";

describe("examples run as written", () => {
  it("backend calls the provider API through the middleware and hands the browser only plain data", async () => {
    const sandbox = await startSandbox({ providers: ["alternative-payments"] });
    const backend = createBackend({
      ...sandbox.credentials["alternative-payments"],
      baseUrl: sandbox.baseUrls["alternative-payments"],
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    try {
      const status = await loadStatus((path) => fetch(new URL(String(path), origin)));
      expect(status).toMatchObject({ provider: "alternative-payments", reachable: true });
      const raw = JSON.stringify(status);
      expect(raw).not.toContain(sandbox.credentials["alternative-payments"].clientSecret);
      sandbox.revokeTokens("alternative-payments"); // the next API call gets a 401 and is replayed
      expect((await loadStatus((path) => fetch(new URL(String(path), origin)))).reachable).toBe(
        true,
      );
    } finally {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
      await sandbox.close();
    }
  });

  it("frontend formats typed session info", () => {
    expect(describeSession({ scope: "read write", expires_in: 600 })).toBe(
      "scopes: read, write; renews within 10 min",
    );
  });

  it("fleet: a process starts while Redis is down and serves tokens straight from the provider", async () => {
    const sandbox = await startSandbox({ providers: ["enkash"] });
    // A port where nothing listens: Redis is down for the whole test.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const started = startFleetProcess({
      redisUrl: `redis://127.0.0.1:${port}`,
      baseUrl: sandbox.baseUrls.enkash,
      ...sandbox.credentials.enkash,
    });
    // Before: `await redis.connect()` never resolved while Redis was down.
    const outcome = await Promise.race([
      started.then(() => "started"),
      new Promise((resolve) => setTimeout(resolve, 20_000, "still waiting for Redis")),
    ]);
    expect(outcome).toBe("started");
    const process = await started;
    try {
      expect((await process.auth.getToken()).accessToken).toBeTruthy();
      expect(sandbox.stats.enkash.tokenRequests).toBe(1);
    } finally {
      await process.stop();
      await sandbox.close();
    }
  }, 30_000);

  it("fleet: four clients (one per process in production) share one EnKash token through Redis", async () => {
    const sandbox = await startSandbox({ providers: ["enkash"] });
    // The suite's own redis-server (examples/vitest.config.ts), never a developer's Redis on 6379.
    const redisUrl = process.env.REDIS_URL!;
    const prefix = `examples:${Date.now()}:${Math.random()}:`;
    const processes = await Promise.all(
      Array.from({ length: 4 }, () =>
        startFleetProcess({
          redisUrl,
          baseUrl: sandbox.baseUrls.enkash,
          prefix,
          ...sandbox.credentials.enkash,
        }),
      ),
    );
    try {
      const tokens = await Promise.all(processes.map((p) => p.auth.getToken()));
      expect(new Set(tokens.map((t) => t.accessToken)).size).toBe(1);
      expect(sandbox.stats.enkash.tokenRequests).toBe(1);
    } finally {
      await Promise.all(processes.map((p) => p.stop()));
      await sandbox.close();
      const admin = await createClient({ url: redisUrl }).connect();
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length) await admin.del(keys);
      admin.destroy();
    }
  });
});
