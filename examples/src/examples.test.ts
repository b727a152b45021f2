import type { AddressInfo } from "node:net";
import { startSandbox } from "@auth/sandbox";
import { describe, expect, it } from "vitest";
import { createBackend } from "./backend.js";
import { describeSession, loadStatus } from "./frontend.js";

describe("examples run as written", () => {
  it("backend calls the provider API through the middleware and hands the browser only plain data", async () => {
    const sandbox = await startSandbox({ providers: ["alternative-payments"] });
    const backend = createBackend({
      ...sandbox.credentials["alternative-payments"],
      baseUrl: sandbox.baseUrls["alternative-payments"],
    });
    await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
    try {
      const status = await loadStatus((path) => fetch(new URL(String(path), origin)));
      expect(status).toMatchObject({ provider: "alternative-payments", reachable: true });
      const raw = JSON.stringify(status);
      expect(raw).not.toContain(sandbox.credentials["alternative-payments"].clientSecret);
      sandbox.revokeTokens("alternative-payments"); // the next API call gets a 401 and is replayed
      expect((await loadStatus((path) => fetch(new URL(String(path), origin)))).reachable).toBe(
        true,
      );
    } finally {
      backend.closeAllConnections();
      await new Promise((resolve) => backend.close(resolve));
      await sandbox.close();
    }
  });

  it("frontend formats typed session info", () => {
    expect(describeSession({ scope: "read write", expires_in: 600 })).toBe(
      "scopes: read, write; renews within 10 min",
    );
  });
});
