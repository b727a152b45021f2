import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../src/index.js";
import { type ProviderState, sweepExpired } from "../src/token-endpoint.js";

/** A raw request with a Host header of our choosing (fetch would set its own). */
function get(url: string, host: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: "/", headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the sandbox answers only loopback names (DNS rebinding)", () => {
  let sandbox: Sandbox;
  let open: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    open = await startSandbox({ port: 0, allowedHosts: ["sandbox.internal"] });
  });
  afterAll(async () => {
    await Promise.all([sandbox.close(), open.close()]);
  });

  it("answers 421 to a Host that is not a loopback name or address", async () => {
    const port = new URL(sandbox.url).port;
    for (const host of [`rebind.attacker.example:${port}`, "attacker.example", "10.0.0.1"])
      expect(await get(sandbox.url, host)).toBe(421);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "127.8.9.10"])
      expect(await get(sandbox.url, host)).not.toBe(421);
  });

  it("answers a host the user configured", async () => {
    expect(await get(open.url, "sandbox.internal:4010")).not.toBe(421);
    expect(await get(open.url, "other.internal")).toBe(421);
  });
});

describe("sandbox settings are exact", () => {
  it('refuses includeExpiry: "false" and other mistyped settings, at start and in configure()', async () => {
    for (const settings of [
      { includeExpiry: "false" },
      { rotateRefreshTokens: 0 },
      { lifetimeSeconds: "3600" },
      { lifetimeSeconds: Number.NaN },
      { absoluteUnit: "minutes" },
      { lifetime: 60 },
    ])
      await expect(startSandbox({ port: 0, settings: settings as never })).rejects.toMatchObject({
        code: "invalid_options",
      });
    const sandbox = await startSandbox({ port: 0, providers: ["enkash"] });
    try {
      expect(() => sandbox.configure("enkash", { includeExpiry: "false" as never })).toThrow(
        /includeExpiry must be a boolean/,
      );
    } finally {
      await sandbox.close();
    }
  });
});

describe("the sandbox's memory is bounded by live tokens", () => {
  it("drops expired access and refresh tokens, at most once a minute", () => {
    const state = { tokens: new Map(), refreshTokens: new Map(), nextSweep: 0 } as Pick<
      ProviderState,
      "tokens" | "refreshTokens" | "nextSweep"
    > as ProviderState;
    const dayMs = 86_400_000;
    for (let i = 0; i < 100_000; i++) {
      const now = Math.floor((i * dayMs) / 100_000);
      sweepExpired(state, now);
      state.tokens.set(`t${i}`, now + 3_600_000);
      state.refreshTokens.set(`r${i}`, now + 3_600_000);
    }
    // The last hour's tokens (about 4,167), plus at most a minute's worth not yet swept.
    expect(state.tokens.size).toBeLessThan(4_167 + 100);
    expect(state.refreshTokens.size).toBeLessThan(4_167 + 100);
    expect(state.tokens.has("t0")).toBe(false);
  });
});
