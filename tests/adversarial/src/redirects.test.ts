import { AuthError } from "@auth/core";
import { afterEach, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { secretForms, targets } from "./support/targets.js";

// Concern: a redirect must never carry credentials (a Basic header, an x-secret header, a form
// with a password) to another origin, and a token from another origin must never be accepted.

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function pair() {
  // The other origin: another loopback address, so nothing leaves this machine.
  const elsewhere = await startRudeServer(
    (_request, response) =>
      sendJson(response, 200, {
        access_token: "from-elsewhere",
        token: "from-elsewhere",
        expires_in: 3600,
        expiresAt: Date.now() + 3_600_000,
      }),
    "127.0.0.2",
  );
  const origin = await startRudeServer(() => undefined);
  servers.push(elsewhere, origin);
  return { origin, elsewhere };
}

describe.each(targets)("redirects through $name", (target) => {
  it.each([301, 302, 303, 307, 308])(
    "refuses a %i: nothing reaches the other origin, a typed error names only its origin, no retry",
    async (status) => {
      const { origin, elsewhere } = await pair();
      origin.handle((_request, response) => {
        response.writeHead(status, {
          location: `${elsewhere.url}${target.tokenPath}?token=leaked-query-value`,
        });
        response.end();
      });
      const auth = target.create(origin.url, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
      const error = await auth.getToken().then(
        () => undefined,
        (e: unknown) => e as AuthError,
      );
      expect(AuthError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "redirect_refused", status });
      expect(error!.message).toContain(String(status));
      expect(error!.message).toContain(elsewhere.origin);
      expect(error!.message).not.toContain("leaked-query-value");
      expect(error!.message).not.toContain(target.tokenPath + "?");
      for (const secret of target.secrets)
        for (const form of secretForms(secret)) expect(error!.message).not.toContain(form);
      expect(elsewhere.requests).toBe(0);
      expect(origin.requests).toBe(1);
      await auth.close();
    },
  );

  it("refuses a redirect to plain http on another host, and one without a Location", async () => {
    const { origin, elsewhere } = await pair();
    origin.handle((_request, response) => {
      // A scheme-downgrading redirect to a host name; refused before any lookup would happen.
      response.writeHead(307, { location: "http://token-thief.example/steal" });
      response.end();
    });
    const auth = target.create(origin.url);
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "redirect_refused",
      message: expect.stringContaining("http://token-thief.example"),
    });
    origin.handle((_request, response) => {
      response.writeHead(302);
      response.end();
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "redirect_refused", status: 302 });
    expect(elsewhere.requests).toBe(0);
    await auth.close();
  });

  it("refuses a token that a custom fetch fetched by following a redirect anyway", async () => {
    const { origin, elsewhere } = await pair();
    origin.handle((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.url}${target.tokenPath}` });
      response.end();
    });
    // A user's fetch wrapper that overrides redirect handling.
    const following: typeof fetch = (input, init) => fetch(input, { ...init, redirect: "follow" });
    const auth = target.create(origin.url, { fetch: following });
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "redirect_refused",
      message: expect.stringContaining(elsewhere.origin),
    });
    await auth.close();
  });
});
