import { describe, expect, it, vi } from "vitest";
import { onTokenEvent } from "../events/subscribe.js";
import type { TokenEvent } from "../events/events.js";
import type { StoredToken } from "../contract/token.js";
import type { TokenStore } from "../contract/store.js";
import { MemoryTokenStore } from "./memory.js";
import { sharedStore } from "./shared.js";
import { json, managerWith, scriptedFetch, tokenBody } from "../test-support/harness.js";

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

describe("a store that never answers", () => {
  const failing = () =>
    sharedStore<TokenStore>({
      get: () => Promise.reject(new Error("client is closed")),
      set: () => Promise.reject(new Error("client is closed")),
      delete: () => Promise.reject(new Error("client is closed")),
    });

  it("says so once, as store_unusable and one console warning per store, and tokens still come", async () => {
    const store = failing();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const server = scriptedFetch(
        json(tokenBody("t1")),
        json(tokenBody("t2")),
        json(tokenBody("t3")),
      );
      const events: TokenEvent[] = [];
      const a = managerWith(server.fetch, { store });
      const b = managerWith(server.fetch, { store });
      onTokenEvent(a.manager, (e) => events.push(e));
      onTokenEvent(b.manager, (e) => events.push(e));
      expect((await a.manager.getToken()).accessToken).toBe("t1");
      expect((await b.manager.getToken()).accessToken).toBe("t2");
      await a.manager.getToken({ forceRefresh: true });
      await b.manager.getToken({ forceRefresh: true });
      const unusable = events.filter((e) => e.type === "store_unusable");
      // Once per manager (each learns it for itself), with how many calls failed.
      expect(unusable).toEqual([
        expect.objectContaining({ failures: 3 }),
        expect.objectContaining({ failures: 3 }),
      ]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toMatch(/not shared between processes/);
    } finally {
      warn.mockRestore();
    }
  });

  it("is not called unusable once it has answered, however it fails later", async () => {
    let up = true;
    const inner = new MemoryTokenStore();
    const store = sharedStore<TokenStore>({
      get: (key) => (up ? inner.get(key) : Promise.reject(new Error("down"))),
      set: (key, value, ttl) =>
        up ? inner.set(key, value, ttl) : Promise.reject(new Error("down")),
      delete: (key) => (up ? inner.delete(key) : Promise.reject(new Error("down"))),
    });
    const server = scriptedFetch(...Array.from({ length: 6 }, (_, i) => json(tokenBody(`t${i}`))));
    const events: TokenEvent[] = [];
    const { manager } = managerWith(server.fetch, { store });
    onTokenEvent(manager, (e) => events.push(e));
    await manager.getToken();
    up = false;
    for (let i = 0; i < 4; i++) await manager.getToken({ forceRefresh: true });
    expect(events.filter((e) => e.type === "store_failed").length).toBeGreaterThan(3);
    expect(events.some((e) => e.type === "store_unusable")).toBe(false);
  });
});
