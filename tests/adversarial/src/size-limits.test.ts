import type { ServerResponse } from "node:http";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { targets } from "./support/targets.js";

// Concern: a token response is read incrementally and cancelled past a cap (default 1 MiB), on
// every path; an endless body costs a bounded amount of memory and is never downloaded again.

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const MiB = 1_048_576;

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Writes 64 KiB chunks as fast as the client reads them, up to `limit` bytes (a safety stop). */
function endless(response: ServerResponse, status: number, limit = 512 * MiB): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.write('{"access_token":"');
  const chunk = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  const pump = () => {
    while (sent < limit && !response.destroyed) {
      sent += chunk.length;
      if (!response.write(chunk)) return void response.once("drain", pump);
    }
    if (!response.destroyed) response.end('"}');
  };
  pump();
}

describe.each(targets)("response size cap through $name", (target) => {
  it("cancels an endless 200 body past 1 MiB: typed, not retried, memory bounded", async () => {
    const server = await startRudeServer((_request, response) => endless(response, 200));
    servers.push(server);
    const auth = target.create(server.url, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    gc();
    const before = process.memoryUsage().rss;
    await expect(auth.getToken()).rejects.toMatchObject({
      code: "response_too_large",
      status: 200,
    });
    const growth = process.memoryUsage().rss - before;
    expect(growth).toBeLessThan(64 * MiB);
    expect(server.requests).toBe(1);
    await eventually(() => server.socketsClosed >= 1);
    await auth.close();
  });

  it("cancels an endless error body too, and refuses a declared Content-Length over the cap unread", async () => {
    const server = await startRudeServer((_request, response) => endless(response, 503));
    servers.push(server);
    const auth = target.create(server.url, { retry: { baseDelayMs: 1, maxDelayMs: 1 } });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "response_too_large" });
    expect(server.requests).toBe(1);

    server.handle((_request, response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(600 * MiB),
      });
      response.write("{");
      // Never sends the rest: a client that waited for it would hang.
    });
    await expect(auth.getToken()).rejects.toMatchObject({ code: "response_too_large" });
    expect(server.requests).toBe(2);
    await auth.close();
  });

  it("honours a configured cap and still reads a normal token", async () => {
    const server = await startRudeServer((_request, response) =>
      sendJson(response, 200, { ...target.okBody("small-token"), padding: "x".repeat(2_000) }),
    );
    servers.push(server);
    const strict = target.create(server.url, { maxResponseBytes: 1_024 });
    await expect(strict.getToken()).rejects.toMatchObject({ code: "response_too_large" });
    const roomy = target.create(server.url);
    expect((await roomy.getToken()).accessToken).toBe("small-token");
    await Promise.all([strict.close(), roomy.close()]);
  });
});

describe("invalid caps", () => {
  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    "rejects maxResponseBytes %s when the manager is created",
    (value) => {
      expect(() =>
        targets[0]!.create("https://auth.example.test", { maxResponseBytes: value }),
      ).toThrow(
        expect.objectContaining({
          code: "invalid_options",
          message: expect.stringContaining("maxResponseBytes"),
        }),
      );
    },
  );
});
