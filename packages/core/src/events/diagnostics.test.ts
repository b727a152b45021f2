import * as diagnostics from "node:diagnostics_channel";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createTokenManager } from "../engine/manager.js";
import { oauthExchange } from "../test-support/harness.js";
import { sendJson, startServer } from "../test-support/http-server.js";
import {
  TOKEN_EVENT_CHANNEL,
  TOKEN_REQUEST_CHANNEL,
  type TokenRequestTrace,
} from "./diagnostics.js";
import type { TokenEvent } from "./events.js";

const SECRET = "s3cr3t-diagnostics-value";
const servers: { close(): Promise<void> }[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Everything published on our channels, in order, as `channel: payload`. */
function record() {
  const seen: { channel: string; payload: unknown }[] = [];
  const on = (name: string) => {
    const listener = (payload: unknown) => {
      // A copy: a trace context is the same object from start to end.
      seen.push({ channel: name, payload: { ...(payload as object) } });
    };
    diagnostics.subscribe(name, listener);
    cleanups.push(() => diagnostics.unsubscribe(name, listener));
  };
  on(TOKEN_EVENT_CHANNEL);
  for (const phase of ["start", "end", "asyncStart", "asyncEnd", "error"])
    on(`tracing:${TOKEN_REQUEST_CHANNEL}:${phase}`);
  return seen;
}

async function tokenServer(status = 200) {
  const server = await startServer((_request, response) =>
    status === 200
      ? sendJson(response, 200, { access_token: `token-${SECRET}`, expires_in: 3600 })
      : sendJson(response, status, { error: "invalid_client" }),
  );
  servers.push(server);
  return server;
}

describe("node:diagnostics_channel", () => {
  it("traces a token request and publishes every event, with no secret or token", async () => {
    const seen = record();
    const server = await tokenServer();
    const auth = createTokenManager({
      exchange: oauthExchange,
      credentials: { clientId: "client", clientSecret: SECRET },
      baseUrl: server.url,
    });
    await auth.getToken();
    await auth.getToken(); // cached: nothing published
    expect(
      seen.map(
        (s) =>
          `${s.channel}${"type" in (s.payload as object) ? ` ${(s.payload as TokenEvent).type}` : ""}`,
      ),
    ).toEqual([
      "auth:token-event fetch_started",
      "tracing:auth:token-request:start",
      "tracing:auth:token-request:end",
      "tracing:auth:token-request:asyncStart",
      "tracing:auth:token-request:asyncEnd",
      "auth:token-event fetch_succeeded",
    ]);
    const end = seen[4]!.payload as TokenRequestTrace;
    expect(end).toMatchObject({
      provider: "example",
      grant: "primary",
      attempt: 1,
      background: false,
    });
    expect(end.result).toEqual({ expiresAt: expect.any(Number), tokenType: "Bearer" });
    expect(inspect(seen, { depth: 10 })).not.toContain(SECRET);
    expect(JSON.stringify(seen)).not.toContain(SECRET);
    await auth.close();
  });

  it("publishes a credentials failure on the error channel, redacted, attempted once", async () => {
    const seen = record();
    const server = await tokenServer(401);
    const auth = createTokenManager({
      exchange: oauthExchange,
      credentials: { clientId: "client", clientSecret: SECRET },
      baseUrl: server.url,
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "invalid_credentials" });
    const errors = seen.filter((s) => s.channel.endsWith(":error"));
    expect(errors).toHaveLength(1);
    expect((errors[0]!.payload as TokenRequestTrace).error).toMatchObject({
      code: "invalid_credentials",
      status: 401,
    });
    expect(seen.map((s) => (s.payload as TokenEvent).type).filter(Boolean)).toEqual([
      "fetch_started",
      "fetch_failed",
    ]);
    expect(inspect(seen, { depth: 10 })).not.toContain(SECRET);
    expect(server.requests).toBe(1);
    await auth.close();
  });

  it("builds nothing while nobody subscribes", async () => {
    const server = await tokenServer();
    const auth = createTokenManager({
      exchange: oauthExchange,
      credentials: { clientId: "client", clientSecret: SECRET },
      baseUrl: server.url,
    });
    expect(diagnostics.hasSubscribers(TOKEN_EVENT_CHANNEL)).toBe(false);
    await auth.getToken();
    const seen = record();
    await auth.getToken();
    expect(seen).toEqual([]);
    await auth.close();
  });
});
