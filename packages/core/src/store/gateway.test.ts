import { describe, expect, it } from "vitest";
import type { TokenStore } from "../contract/store.js";
import { MemoryTokenStore } from "./memory.js";
import { createStoreGateway, validateStoredToken } from "./gateway.js";
import type { StoredToken } from "../contract/token.js";

const now = 1_700_000_000_000;
const token: StoredToken = {
  accessToken: "abc",
  tokenType: "Bearer",
  expiresAt: now + 3_600_000,
  obtainedAt: now,
  raw: {},
};

function gatewayFor(store: TokenStore) {
  const failures: string[] = [];
  const rejected: string[] = [];
  const gateway = createStoreGateway(store, {
    timeoutMs: 20,
    maxLifetimeMs: 86_400_000,
    clock: () => now,
    onFailure: (operation, reason) => failures.push(`${operation}:${reason}`),
    onRejected: (reason) => rejected.push(reason),
  });
  return { gateway, failures, rejected };
}

describe("store gateway", () => {
  it("passes a working store through", async () => {
    const { gateway, failures } = gatewayFor(new MemoryTokenStore());
    await gateway.set("k", token, 1_000);
    expect(await gateway.get("k")).toEqual(token);
    await gateway.delete("k");
    expect(await gateway.get("k")).toBeUndefined();
    expect(await gateway.lock("k", 1_000)).toBeNull(); // no lock in a memory store
    expect(failures).toEqual([]);
  });

  it("bounds a call that never settles and reports it", async () => {
    const hung = new Promise<never>(() => undefined);
    const { gateway, failures } = gatewayFor({
      get: () => hung,
      set: () => hung,
      delete: () => hung,
      lock: () => hung,
    });
    expect(await gateway.get("k")).toBeUndefined();
    await gateway.set("k", token, 1);
    await gateway.delete("k");
    expect(await gateway.lock("k", 1)).toBeNull();
    expect(failures).toEqual(["get:timeout", "set:timeout", "delete:timeout", "lock:timeout"]);
  });

  it("contains synchronous throws and rejections", async () => {
    const { gateway, failures } = gatewayFor({
      get: () => {
        throw new Error("sync");
      },
      set: () => Promise.reject(new Error("async")),
      delete: () => Promise.resolve(),
      lock: () => Promise.resolve(() => Promise.reject(new Error("release"))),
    });
    expect(await gateway.get("k")).toBeUndefined();
    await gateway.set("k", token, 1);
    const release = await gateway.lock("k", 1);
    await release!();
    expect(failures).toEqual(["get:error", "set:error", "release:error"]);
  });

  it("deletes and reports what is not a usable token", async () => {
    const store = new MemoryTokenStore();
    await store.set("k", { ...token, accessToken: "a\r\nb" }, 60_000);
    const { gateway, rejected } = gatewayFor(store);
    expect(await gateway.get("k")).toBeUndefined();
    expect(rejected).toEqual(["accessToken is not a header-safe string"]);
    expect(await store.get("k")).toBeUndefined();
  });
});

describe("validateStoredToken", () => {
  it("returns a clean copy without unknown fields", () => {
    expect(validateStoredToken({ ...token, extra: "x" }, now, 86_400_000)).toEqual(token);
  });

  it.each([
    [{ ...token, tokenType: "Digest" }, "tokenType"],
    [
      { ...token, expiresAt: now + 2 * 86_400_000, obtainedAt: now + 86_400_000 },
      "maximum lifetime",
    ],
    [{ ...token, scope: 1 }, "scope"],
  ])("rejects %j (%s)", (value, reason) => {
    expect(validateStoredToken(value, now, 86_400_000)).toContain(reason);
  });
});
