import { onTokenEvent, type TokenEvent } from "@auth/core";
import { afterEach, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { enkashTarget } from "./support/targets.js";

// Concern: EnKash locks an account after 3 failed logins. Any 4xx on its login (the password
// grant) except 408 and 429 is a credentials failure: never retried, never re-sent by this
// manager, whatever the body says. `clearCredentialsFailure()` lets the user try again after a fix.

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A provider written from EnKash's documented behaviour: three bad logins lock the account. */
async function lockingProvider(failure: (response: import("node:http").ServerResponse) => void) {
  const state = { logins: 0, failedLogins: 0, locked: false, passwordOk: false };
  const server = await startRudeServer((_request, response, seen) => {
    const form = new URLSearchParams(seen.body);
    if (form.get("grant_type") !== "password")
      return sendJson(response, 400, { error: "unsupported_grant_type" });
    state.logins += 1;
    if (state.locked)
      return sendJson(response, 401, {
        error: "invalid_grant",
        error_description: "User account is locked",
      });
    if (!state.passwordOk) {
      state.failedLogins += 1;
      if (state.failedLogins >= 3) state.locked = true;
      return failure(response);
    }
    sendJson(response, 200, enkashTarget.okBody("after-fix"));
  });
  servers.push(server);
  return { server, state };
}

describe("@auth/enkash against a provider that locks after 3 bad logins", () => {
  it.each([
    [
      "400 invalid_grant",
      (r: import("node:http").ServerResponse) => sendJson(r, 400, { error: "invalid_grant" }),
    ],
    [
      "400 with another error",
      (r: import("node:http").ServerResponse) =>
        sendJson(r, 400, { error: "bad_request", message: "Bad credentials" }),
    ],
    [
      "400 with an empty body",
      (r: import("node:http").ServerResponse) => {
        r.writeHead(400);
        r.end();
      },
    ],
    [
      "400 HTML from a proxy",
      (r: import("node:http").ServerResponse) => {
        r.writeHead(400, { "content-type": "text/html" });
        r.end("<h1>Bad Request</h1>");
      },
    ],
    ["404", (r: import("node:http").ServerResponse) => sendJson(r, 404, { status: 404 })],
    ["422", (r: import("node:http").ServerResponse) => sendJson(r, 422, { errors: ["password"] })],
  ] as const)(
    "sends one login for a %s, however many callers ask, and never locks the account",
    async (_name, failure) => {
      const { state } = await lockingProvider(failure);
      const { server } = { server: servers.at(-1)! };
      const events: TokenEvent[] = [];
      let offset = 0;
      const auth = enkashTarget.create(server.url, {
        clock: () => Date.now() + offset,
      });
      onTokenEvent(auth, (e) => events.push(e));
      for (let round = 0; round < 5; round++) {
        const results = await Promise.allSettled(Array.from({ length: 20 }, () => auth.getToken()));
        expect(
          results.every(
            (r) =>
              r.status === "rejected" &&
              (r.reason as { code: string }).code === "invalid_credentials",
          ),
        ).toBe(true);
        offset += 3_600_000; // hours later: still remembered
      }
      expect(state.logins).toBe(1);
      expect(state.locked).toBe(false);
      expect(events.some((e) => e.type === "credentials_failure_remembered")).toBe(true);
      await auth.close();
    },
  );

  it.each([408, 429])("does not count a %i as a failed login", async (status) => {
    let calls = 0;
    const server = await startRudeServer((_request, response) => {
      calls += 1;
      if (calls === 1)
        return sendJson(response, status, { error: "slow_down" }, { "retry-after": "0" });
      sendJson(response, 200, enkashTarget.okBody("second-try"));
    });
    servers.push(server);
    const auth = enkashTarget.create(server.url, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    expect((await auth.getToken()).accessToken).toBe("second-try");
    await auth.close();
  });

  it("tries again once after clearCredentialsFailure(), when the user fixed the account", async () => {
    const { server, state } = await lockingProvider((r) =>
      sendJson(r, 400, { error: "invalid_grant" }),
    );
    const auth = enkashTarget.create(server.url);
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(state.logins).toBe(1);
    state.passwordOk = true; // fixed at the provider
    auth.clearCredentialsFailure();
    expect((await auth.getToken()).accessToken).toBe("after-fix");
    expect(state.logins).toBe(2);
    expect(state.locked).toBe(false);
    await auth.close();
  });
});
