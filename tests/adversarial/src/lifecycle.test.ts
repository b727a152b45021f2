import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { targets } from "./support/targets.js";

// Concern: a manager has an explicit end. close() (or `await using`) aborts a request in flight and
// every wait, later calls get `closed`, and nothing of the manager keeps the process alive.

const servers: RudeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe.each(targets)("close() through $name", (target) => {
  it("aborts a request in flight: its caller gets `closed`, the connection is dropped", async () => {
    const server = await startRudeServer(() => undefined); // never answers
    servers.push(server);
    const auth = target.create(server.url, { retry: { attemptTimeoutMs: 60_000 } });
    const pending = auth.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    await eventually(() => server.requests === 1);
    await auth.close();
    expect(await pending).toMatchObject({ code: "closed" });
    await eventually(() => server.socketsClosed >= 1);
    await expect(auth.getToken()).rejects.toMatchObject({ code: "closed" });
  });

  it("ends a retry wait at once", async () => {
    const server = await startRudeServer((_request, response) => sendJson(response, 503, {}));
    servers.push(server);
    const auth = target.create(server.url, {
      retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, maxElapsedMs: 600_000 },
      random: () => 1,
    });
    const pending = auth.getToken().then(
      () => undefined,
      (e: unknown) => e,
    );
    await eventually(() => server.requests === 1);
    await auth.close();
    expect(await pending).toMatchObject({ code: "closed" });
    expect(server.requests).toBe(1);
  });

  it("closes at the end of an `await using` scope", async () => {
    const server = await startRudeServer((_request, response) =>
      sendJson(response, 200, {
        ...target.okBody("scoped"),
        token: "scoped",
        expiresAt: Date.now() + 3_600_000,
      }),
    );
    servers.push(server);
    let escaped: { getToken(): Promise<unknown> } | undefined;
    {
      await using auth = target.create(server.url);
      expect((await auth.getToken()) as { accessToken: string }).toMatchObject({
        accessToken: "scoped",
      });
      escaped = auth;
    }
    await expect(escaped.getToken()).rejects.toMatchObject({ code: "closed" });
  });
});

describe("process lifetime", () => {
  /** A child process: a token, then a background refresh against a server that never answers. */
  const script = (closeIt: boolean) => `
    import { createServer } from "node:http";
    import { createTokenManager } from "@auth/core";
    let calls = 0;
    const server = createServer((request, response) => {
      if (++calls > 1) return; // the background refresh hangs
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: "t1", expires_in: 3600 }));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    server.unref(); // only the manager's own work may keep this process alive
    let offset = 0;
    const manager = createTokenManager({
      exchange: { provider: "p", tokenPath: "/t", credentials: [], grant: "client_credentials", response: { accessToken: "access_token" }, expiry: { field: "expires_in", kind: "relative-seconds" } },
      credentials: {},
      baseUrl: "http://127.0.0.1:" + server.address().port,
      clock: () => Date.now() + offset,
      retry: { attemptTimeoutMs: ${closeIt ? 600_000 : 1_500}, maxAttempts: 1 },
    });
    await manager.getToken();
    offset = 3_300_000;
    await manager.getToken(); // starts the background refresh
    while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    ${closeIt ? "await manager.close();" : ""}
    console.log("done", calls);
  `;
  const run = (closeIt: boolean) =>
    promisify(execFile)(process.execPath, ["--input-type=module", "-e", script(closeIt)], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      // Generous: a process held by a 600 s attempt would be killed here and fail the test.
      timeout: 45_000,
    });

  it("exits at once after close() while a background refresh is in flight", async () => {
    const { stdout } = await run(true);
    expect(stdout.trim()).toBe("done 2");
  });

  it("without close(), a background request in flight holds the process only until its attempt timeout", async () => {
    const { stdout } = await run(false);
    expect(stdout.trim()).toBe("done 2");
  });
});
