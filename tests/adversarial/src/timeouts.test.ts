import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { AuthError } from "@auth/core";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type RudeServer, startRudeServer } from "./support/rude-server.js";
import { targets } from "./support/targets.js";

// Concern: the attempt timeout covers headers and body on every path, even when garbage
// collection runs while a body drips in (a signal carried only by a collected Request object
// used to be lost on the generated openapi-fetch path).

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A provider that sends headers, then one byte every 50 ms for up to two minutes. */
async function drippingServer() {
  const server = await startRudeServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.write('{"access_token":"');
    let sent = 0;
    const timer = setInterval(() => {
      if (response.destroyed || ++sent > 2_400) return clearInterval(timer);
      response.write("a");
    }, 50);
    response.on("close", () => clearInterval(timer));
  });
  servers.push(server);
  return server;
}

describe.each(targets)("attempt timeout through $name", (target) => {
  it("ends a body that drips in slowly at the attempt timeout, with GC forced throughout", async () => {
    const server = await drippingServer();
    const auth = target.create(server.url, {
      retry: { attemptTimeoutMs: 1_000, maxAttempts: 1 },
    });
    const collector = setInterval(gc, 5);
    const started = Date.now();
    try {
      const error = await auth.getToken().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(AuthError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ code: "timeout" });
      // Generous: the defect took 15–25 s or never ended. A loaded machine stays far below this.
      expect(Date.now() - started).toBeLessThan(12_000);
    } finally {
      clearInterval(collector);
    }
    // The client hung up: the server sees the connection close instead of dripping on.
    await eventually(() => server.socketsClosed >= 1);
    expect(server.requests).toBe(1);
    await auth.close();
  });

  it("ends an attempt whose headers never come, and retries within the budget", async () => {
    const server = await startRudeServer(() => undefined);
    servers.push(server);
    const auth = target.create(server.url, {
      retry: { attemptTimeoutMs: 300, maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "timeout", attempts: 2 });
    expect(server.requests).toBe(2);
    await auth.close();
  });
});
