import * as alternativePayments from "@auth/alternative-payments";
import * as enkash from "@auth/enkash";
import * as interswitch from "@auth/interswitch";
import * as manis from "@auth/manis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../src/index.js";

/** What only the seed providers do (JWT expiry, absolute expiresAt, refresh rotation, lockout). */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(() => sandbox.close());

describe("provider specifics", () => {
  it("interswitch: reads expiry from the JWT exp claim when expires_in is switched off", async () => {
    sandbox.configure("interswitch", { includeExpiry: false, lifetimeSeconds: 900 });
    const auth = interswitch.createAuth({
      ...sandbox.credentials.interswitch,
      baseUrl: sandbox.baseUrls.interswitch,
    });
    const token = await auth.getToken();
    expect(token.raw.expires_in).toBeUndefined();
    expect(Math.abs(token.expiresAt - (Date.now() + 900_000))).toBeLessThan(2_000);
    sandbox.configure("interswitch", { includeExpiry: true, lifetimeSeconds: 3600 });
  });

  it.each(["seconds", "milliseconds"] as const)(
    "manis: accepts an absolute expiresAt in %s",
    async (unit) => {
      sandbox.configure("manis", { absoluteUnit: unit, lifetimeSeconds: 1200 });
      const auth = manis.createAuth({
        ...sandbox.credentials.manis,
        baseUrl: sandbox.baseUrls.manis,
      });
      const token = await auth.getToken();
      expect(Math.abs(token.expiresAt - (Date.now() + 1_200_000))).toBeLessThan(2_000);
    },
  );

  it("manis: corrects a server clock that runs ahead", async () => {
    sandbox.configure("manis", {
      absoluteUnit: "milliseconds",
      lifetimeSeconds: 1200,
      clockSkewMs: 3_600_000,
    });
    const auth = manis.createAuth({
      ...sandbox.credentials.manis,
      baseUrl: sandbox.baseUrls.manis,
    });
    const token = await auth.getToken();
    expect(Math.abs(token.expiresAt - (Date.now() + 1_200_000))).toBeLessThan(2_000);
    sandbox.configure("manis", { clockSkewMs: 0 });
  });

  it("enkash: renews with a rotated refresh token, and falls back to the password grant when it is rejected", async () => {
    const credentials = sandbox.credentials.enkash;
    const auth = enkash.createAuth({ ...credentials, baseUrl: sandbox.baseUrls.enkash });
    const stats = sandbox.stats.enkash;
    const first = await auth.getToken();
    const refreshGrantsBefore = stats.refreshGrants;
    const renewed = await auth.getToken({ forceRefresh: true });
    expect(stats.refreshGrants).toBe(refreshGrantsBefore + 1);
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    sandbox.revokeTokens("enkash"); // the refresh token is now unknown to the server
    const requestsBefore = stats.tokenRequests;
    const fallback = await auth.getToken({ forceRefresh: true });
    expect(fallback.accessToken).not.toBe(renewed.accessToken);
    expect(stats.tokenRequests).toBe(requestsBefore + 2); // rejected refresh grant, then the password grant
    expect(stats.refreshGrants).toBe(refreshGrantsBefore + 1);
  });

  it("enkash: the sandbox locks after 3 bad logins, which the client never causes on its own", async () => {
    sandbox.unlock("enkash");
    const base = sandbox.credentials.enkash;
    for (let i = 0; i < 3; i++) {
      // Three separate clients (three users' mistakes), each failing once and never retrying.
      await enkash
        .createAuth({ ...base, password: `bad-${i}`, baseUrl: sandbox.baseUrls.enkash })
        .getToken()
        .catch(() => undefined);
    }
    expect(sandbox.stats.enkash.locked).toBe(true);
    await expect(
      enkash.createAuth({ ...base, baseUrl: sandbox.baseUrls.enkash }).getToken(),
    ).rejects.toMatchObject({ code: "invalid_credentials" });
    sandbox.unlock("enkash");
  });
});

describe("bad input", () => {
  const ap = () => sandbox.credentials["alternative-payments"];

  it("names a missing credential", () => {
    expect(() => alternativePayments.createAuth({ clientId: "x" } as never)).toThrow(
      /clientSecret is required for alternative-payments/,
    );
  });

  it("names an unknown environment", () => {
    expect(() =>
      alternativePayments.createAuth({ ...ap(), environment: "staging" as never }),
    ).toThrow(/environment "staging" is unknown/);
  });

  it("rejects a non-https baseUrl except loopback", () => {
    expect(() =>
      alternativePayments.createAuth({ ...ap(), baseUrl: "http://api.example.com" }),
    ).toThrow(expect.objectContaining({ code: "insecure_url" }));
  });

  it("requires baseUrl for manis", () => {
    expect(() => manis.createAuth({ merchantId: "m", secret: "s" } as never)).toThrow(
      /baseUrl is required for manis/,
    );
  });

  it("picks the spec's servers by environment", () => {
    const production = alternativePayments.createAuth({ ...ap() });
    const demo = alternativePayments.createAuth({ ...ap(), environment: "sandbox" });
    expect(production.cacheKey).toContain("https://public-api.alternativepayments.io/oauth/token");
    expect(demo.cacheKey).toContain("https://public-api.demo.alternativepayments.io/oauth/token");
  });

  it("reports a taken port with a typed error naming the option", async () => {
    const port = Number(new URL(sandbox.url).port);
    await expect(startSandbox({ port })).rejects.toMatchObject({
      name: "SandboxError",
      code: "port_in_use",
      message: expect.stringContaining("pass another port"),
    });
  });

  it("refuses to bind a non-loopback host", async () => {
    await expect(startSandbox({ host: "0.0.0.0" })).rejects.toMatchObject({
      code: "invalid_options",
    });
  });
});
