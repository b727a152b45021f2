import { describe, expect, it } from "vitest";
import type { StoredToken } from "./token.js";
import { MemoryTokenStore, type TokenStore } from "./store.js";
import { sharedStore } from "./store-support.js";
import { json, managerWith, scriptedFetch, tokenBody } from "./test-support/harness.js";

/** A shared store with a lock, as a fleet-wide store (Redis) would provide. */
class LockingStore extends MemoryTokenStore implements TokenStore {
  held = false;
  locks = 0;
  releases = 0;
  /** The key the last lock was asked for: the manager's store key. */
  lockKey = "";
  async lock(key: string): Promise<(() => Promise<void>) | undefined> {
    this.lockKey = key;
    if (this.held) return undefined;
    this.held = true;
    this.locks += 1;
    return async () => {
      this.held = false;
      this.releases += 1;
    };
  }
}

describe("TokenStore with a lock", () => {
  it("takes and releases the lock around its own request", async () => {
    const store = new LockingStore();
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch, { store });
    await manager.getToken();
    expect([store.locks, store.releases, store.held]).toEqual([1, 1, false]);
  });

  it("waits for the instance holding the lock and adopts its token instead of sending a request", async () => {
    const store = new LockingStore();
    store.held = true; // another instance is refreshing
    const server = scriptedFetch(json(tokenBody("mine")));
    const { manager, time } = managerWith(server.fetch, {
      store,
      sleep: async (ms) => {
        time.advance(ms);
        // The other instance finishes while we wait.
        const theirs: StoredToken = {
          accessToken: "theirs",
          tokenType: "Bearer",
          expiresAt: time.clock() + 3_600_000,
          raw: {},
          obtainedAt: time.clock(),
        };
        await store.set("ignored", theirs);
        await store.set(store.lockKey, theirs);
      },
    });
    expect((await manager.getToken()).accessToken).toBe("theirs");
    expect(server.calls).toHaveLength(0);
  });

  it("sends its own request when the lock holder never delivers", async () => {
    const store = new LockingStore();
    store.held = true;
    const server = scriptedFetch(json(tokenBody("mine")));
    const { manager } = managerWith(server.fetch, { store, retry: { maxElapsedMs: 1_000 } });
    expect((await manager.getToken()).accessToken).toBe("mine");
    expect(server.calls).toHaveLength(1);
  });

  it("sends its own request when the lock itself fails", async () => {
    const store = new LockingStore();
    store.lock = () => Promise.reject(new Error("redis down"));
    const server = scriptedFetch(json(tokenBody("mine")));
    const { manager } = managerWith(server.fetch, { store });
    expect((await manager.getToken()).accessToken).toBe("mine");
    expect(server.calls).toHaveLength(1);
  });

  it("keeps serving from memory when the shared store fails", async () => {
    const failing: TokenStore = sharedStore({
      get: () => Promise.reject(new Error("store down")),
      set: () => Promise.reject(new Error("store down")),
      delete: () => Promise.reject(new Error("store down")),
    });
    const server = scriptedFetch(json(tokenBody("t1")));
    const { manager } = managerWith(server.fetch, { store: failing });
    expect((await manager.getToken()).accessToken).toBe("t1");
    expect((await manager.getToken()).accessToken).toBe("t1");
    await manager.invalidate("t1");
    expect(server.calls).toHaveLength(1);
  });

  it("refuses a custom store that does not bring the store code, naming sharedStore", () => {
    const plain: TokenStore = {
      get: () => Promise.resolve(undefined),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(),
    };
    expect(() => managerWith(scriptedFetch(json(tokenBody("t1"))).fetch, { store: plain })).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("sharedStore(store)"),
      }),
    );
  });
});
