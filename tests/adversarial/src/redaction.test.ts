import { inspect } from "node:util";
import { AuthError, onTokenEvent, type TokenEvent } from "@auth/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  type RudeServer,
  type SeenRequest,
  sendJson,
  startRudeServer,
} from "./support/rude-server.js";
import { enkashTarget, secretForms, targets } from "./support/targets.js";

// Concern: a provider that echoes what it was sent (a secret header, the Basic value, the form
// with the password, a refresh token) must not get any of it into an error's message, stack,
// JSON form, cause chain, or into an event.

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Everything the client sent, as one string: headers and body. */
function echo(seen: SeenRequest): string {
  return `${JSON.stringify(seen.headers)} body=${seen.body} decoded=${decodeURIComponent(seen.body.replace(/\+/g, " "))}`;
}

function everythingPrinted(error: unknown): string {
  const parts: string[] = [inspect(error, { depth: 10 }), JSON.stringify(error), String(error)];
  for (
    let current = error as { cause?: unknown; message?: unknown; stack?: unknown } | undefined,
      depth = 0;
    current && depth < 10;
    depth++
  ) {
    parts.push(String(current.message), String(current.stack));
    current = current.cause as typeof current;
  }
  return parts.join("\n");
}

function expectNoSecret(text: string, secrets: readonly string[]) {
  for (const secret of secrets)
    for (const form of secretForms(secret)) expect(text).not.toContain(form);
  // The Basic value as it went over the wire.
  for (const match of text.matchAll(/Basic ([A-Za-z0-9+/=]+)/g))
    expect(Buffer.from(match[1]!, "base64").toString("utf8")).not.toMatch(/secret|pw-/);
}

describe.each(targets)("echoed secrets through $name", (target) => {
  it.each([
    [
      "a 400 error_description",
      400,
      (s: SeenRequest) => ({ error: "invalid_request", error_description: echo(s) }),
    ],
    [
      "a 400 message (problem details)",
      400,
      (s: SeenRequest) => ({ message: echo(s), detail: echo(s), title: echo(s) }),
    ],
    ["a 500 error field", 500, (s: SeenRequest) => ({ error: echo(s) })],
    [
      "a 401 error_description",
      401,
      (s: SeenRequest) => ({ error: "invalid_client", error_description: echo(s) }),
    ],
  ] as const)("scrubs %s", async (_name, status, body) => {
    const server = await startRudeServer((_request, response, seen) =>
      sendJson(response, status, body(seen)),
    );
    servers.push(server);
    const events: TokenEvent[] = [];
    const auth = target.create(server.url, {
      retry: { maxAttempts: 1 },
    });
    onTokenEvent(auth, (event) => events.push(event));
    const error = await auth.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(AuthError.isInstance(error)).toBe(true);
    const printed = everythingPrinted(error);
    // The echo did make it into the error (so the test would catch a leak)…
    expect(printed).toContain("[redacted]");
    // …but no secret did.
    expectNoSecret(printed, target.secrets);
    expectNoSecret(JSON.stringify(events), target.secrets);
    await auth.close();
  });
});

describe("echoed tokens", () => {
  it("scrubs the refresh token and the current access token from a failing refresh grant", async () => {
    let calls = 0;
    const server = await startRudeServer((_request, response, seen) => {
      calls += 1;
      if (calls === 1) return sendJson(response, 200, enkashTarget.okBody("access-abc123", 3600));
      // The refresh grant fails with an echo; the password grant then fails with a 500 echo too.
      sendJson(response, 500, {
        error: "server_error",
        error_description: `${echo(seen)} current=access-abc123`,
      });
    });
    servers.push(server);
    let offset = 0;
    const auth = enkashTarget.create(server.url, {
      clock: () => Date.now() + offset,
      retry: { maxAttempts: 1 },
    });
    await auth.getToken();
    offset = 3_601_000; // expired: the caller waits for a refresh, and no valid token remains
    const error = await auth.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(AuthError.isInstance(error)).toBe(true);
    const printed = everythingPrinted(error);
    expect(printed).toContain("[redacted]");
    expect(printed).not.toContain("refresh-access-abc123");
    expect(printed).not.toContain("access-abc123");
    await auth.close();
  });
});
