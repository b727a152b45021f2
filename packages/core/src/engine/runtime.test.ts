import { execFile } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { AuthError as SourceAuthError } from "../contract/errors.js";
import { json, managerWith, scriptedFetch, tokenBody } from "../test-support/harness.js";

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("runtime behaviour of the built package", () => {
  it("recognises AuthErrors from another copy of the package (duplicate installs)", async () => {
    // dist/ and src/ are two separate module instances, like two installed copies.
    const built = (await import(
      path.join(packageRoot, "dist/index.js")
    )) as typeof import("../index.js");
    const fromOtherCopy = new built.AuthError("timeout", "x");
    expect(fromOtherCopy).not.toBeInstanceOf(SourceAuthError);
    expect(SourceAuthError.isInstance(fromOtherCopy)).toBe(true);
    expect(built.AuthError.isInstance(new SourceAuthError("timeout", "x"))).toBe(true);
    expect(SourceAuthError.isInstance(new Error("x"))).toBe(false);
    expect(SourceAuthError.isInstance(null)).toBe(false);
  });

  it("lets onTokenEvent from one copy of the package observe a manager from another", async () => {
    const built = (await import(
      path.join(packageRoot, "dist/index.js")
    )) as typeof import("../index.js");
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch);
    const heard: string[] = [];
    built.onTokenEvent(manager, (event) => heard.push(event.type));
    await manager.getToken();
    expect(heard).toEqual(["fetch_started", "fetch_succeeded"]);
  });

  it("does not keep a process alive after a background refresh was started", async () => {
    // A child process gets a token, enters the refresh window (a background refresh against a
    // server that never answers), closes its server, and must exit on its own.
    const script = `
      import { createServer } from "node:http";
      import { createTokenManager } from ${JSON.stringify(path.join(packageRoot, "dist/index.js"))};
      let calls = 0;
      const server = createServer((request, response) => {
        calls += 1;
        if (calls > 1) return; // the background refresh hangs
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ access_token: "t1", expires_in: 3600 }));
      });
      await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
      let offset = 0;
      const manager = createTokenManager({
        exchange: { provider: "p", tokenPath: "/t", credentials: [], grant: "client_credentials", response: { accessToken: "access_token" }, expiry: { field: "expires_in", kind: "relative-seconds" } },
        credentials: {},
        baseUrl: "http://127.0.0.1:" + server.address().port,
        clock: () => Date.now() + offset,
        random: () => 0.99,
        retry: { attemptTimeoutMs: 600000, maxElapsedMs: 1200000, baseDelayMs: 300000, maxDelayMs: 300000 },
      });
      await manager.getToken();
      offset = 3_300_000;
      await manager.getToken();
      // Wait for the background request to reach the server (no fixed delay: a busy machine is slow).
      while (calls < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      server.closeAllConnections();
      server.close();
      console.log("done", calls);
    `;
    // The background request failed when the server closed; its 150–300 s retry backoff must not
    // hold the process open. A held process is killed by the (generous) exec timeout: no
    // wall-clock budget to flake on a busy machine.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", script],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toBe("done 2");
  }, 90_000);
});
