import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { core, manisTarget, targets } from "./support/targets.js";

// Concern: no answer pins a token forever. Lifetimes are capped (timing.maxLifetimeMs, 24 h by
// default), the clock-skew correction is bounded (timing.maxClockSkewMs), and `expiresAt` is
// always a finite epoch-ms that prints.

const DAY = 86_400_000;
const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const server = await startRudeServer((_request, response) =>
    sendJson(response, 200, body, headers),
  );
  servers.push(server);
  return server;
}

describe.each(targets.filter((t) => t !== manisTarget))(
  "relative lifetimes through $name",
  (target) => {
    it.each([1e20, 1.7e308, 10 * 365 * 86_400])(
      "caps expires_in %s at 24 h, and the token still prints",
      async (expiresIn) => {
        const server = await serve({ ...target.okBody("long-lived"), expires_in: expiresIn });
        const auth = target.create(server.url);
        const before = Date.now();
        const token = await auth.getToken();
        expect(Number.isFinite(token.expiresAt)).toBe(true);
        expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + DAY);
        expect(token.expiresAt).toBeGreaterThan(before + DAY - 60_000);
        expect(() => JSON.stringify(token)).not.toThrow();
        expect(() => inspect(token)).not.toThrow();
        expect(JSON.stringify(token)).not.toContain("long-lived");
        await auth.close();
      },
    );

    it("takes a configured maximum lifetime", async () => {
      const server = await serve({ ...target.okBody("t"), expires_in: 7_200 });
      const auth = target.create(server.url, { timing: { maxLifetimeMs: 600_000 } });
      expect((await auth.getToken()).expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
      await auth.close();
    });
  },
);

describe("absolute expiry and the Date header through @auth/manis", () => {
  it("ignores a proxy's Date: 1970, so a 1-hour token stays a 1-hour token", async () => {
    const server = await serve(manisTarget.okBody("skewed", 3600), {
      date: new Date(0).toUTCString(),
    });
    const auth = manisTarget.create(server.url);
    const token = await auth.getToken();
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1_000);
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    await auth.close();
  });

  it("still corrects a plausible skew (server clock 2 h behind)", async () => {
    const behind = Date.now() - 2 * 3_600_000;
    const server = await serve(
      { token: "behind", tokenType: "Bearer", expiresAt: behind + 3_600_000 },
      { date: new Date(behind).toUTCString() },
    );
    const auth = manisTarget.create(server.url);
    const token = await auth.getToken();
    expect(token.expiresAt).toBeGreaterThan(Date.now() + 3_500_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 3_600_000 + 2_000);
    await auth.close();
  });

  it("caps an absolute expiry in the year 275760", async () => {
    const server = await serve({ token: "far", tokenType: "Bearer", expiresAt: 8.64e15 });
    const auth = manisTarget.create(server.url);
    const token = await auth.getToken();
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + DAY);
    expect(() => JSON.stringify(token)).not.toThrow();
    await auth.close();
  });

  it("rejects a maxLifetimeMs that is not a finite positive number", () => {
    expect(() =>
      core.create("https://auth.example.test", { timing: { maxLifetimeMs: Infinity } }),
    ).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("timing.maxLifetimeMs"),
      }),
    );
  });
});
