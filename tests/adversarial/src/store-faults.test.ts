import {
  authMiddleware,
  MemoryTokenStore,
  onTokenEvent,
  sharedStore,
  type StoredToken,
  type TokenEvent,
  type TokenStore,
} from "@auth/core";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { core, manisTarget } from "./support/targets.js";

// Concern: a TokenStore that hangs, throws synchronously or rejects costs sharing, never a token.
// Every store call is bounded (storeTimeoutMs); the manager carries on as if the store were absent
// and says so with a `store_failed` event.

const never = <T>() => new Promise<T>(() => undefined);
type Operation = "get" | "set" | "delete" | "lock" | "release";
type Fault = "hang" | "throw" | "reject";

/** A working locking store with one operation broken in one way. */
function brokenStore(operation: Operation, fault: Fault): TokenStore {
  const memory = new MemoryTokenStore();
  const fail = <T>(): Promise<T> => {
    if (fault === "throw") throw new Error("store exploded synchronously");
    if (fault === "reject") return Promise.reject(new Error("store rejected"));
    return never<T>();
  };
  return sharedStore({
    get: (key) => (operation === "get" ? fail() : memory.get(key)),
    set: (key, value: StoredToken, ttl) =>
      operation === "set" ? fail() : memory.set(key, value, ttl),
    delete: (key, ifToken) => (operation === "delete" ? fail() : memory.delete(key, ifToken)),
    lock: () =>
      operation === "lock"
        ? fail()
        : Promise.resolve(() => (operation === "release" ? fail<void>() : Promise.resolve())),
  });
}

let server: RudeServer;
let issued = 0;
beforeAll(async () => {
  server = await startRudeServer((request, response, seen) => {
    if (seen.path.startsWith("/resource")) {
      // The API rejects the first token it sees, to drive the middleware's 401 path.
      const rejected = request.headers.authorization?.endsWith("token-1");
      return sendJson(response, rejected ? 401 : 200, { ok: !rejected });
    }
    issued += 1;
    sendJson(response, 200, {
      ...core.okBody(`token-${issued}`),
      ...manisTarget.okBody(`token-${issued}`),
    });
  });
});
afterAll(() => server.close());
beforeEach(() => {
  issued = 0;
});

describe.each(["get", "set", "lock", "release", "delete"] as const)(
  "a store whose %s",
  (operation) => {
    describe.each(["hang", "throw", "reject"] as const)("calls %s", (fault) => {
      it.each([core, manisTarget])(
        "never blocks getToken, forceRefresh, invalidate or the middleware ($name)",
        async (target) => {
          const events: TokenEvent[] = [];
          const auth = target.create(server.url, {
            store: brokenStore(operation, fault),
            storeTimeoutMs: 50,
          });
          onTokenEvent(auth, (event) => events.push(event));
          const first = await auth.getToken();
          expect(first.accessToken).toMatch(/^token-/);
          const forced = await auth.getToken({ forceRefresh: true });
          expect(forced.accessToken).not.toBe(first.accessToken);
          await auth.invalidate(forced.accessToken);
          expect((await auth.getToken()).accessToken).not.toBe(forced.accessToken);

          const client = createClient<{
            "/resource/ping": {
              get: { responses: { 200: { content: { "application/json": { ok: boolean } } } } };
            };
          }>({ baseUrl: server.url });
          client.use(authMiddleware(auth));
          issued = 0;
          await auth.invalidate();
          const { response } = await client.GET("/resource/ping");
          expect(response.status).toBe(200);

          const failures = events.filter((e) => e.type === "store_failed");
          expect(failures.length).toBeGreaterThan(0);
          expect(
            failures.every((e) => e.type === "store_failed" && e.operation === operation),
          ).toBe(true);
          expect(failures[0]).toMatchObject({ reason: fault === "hang" ? "timeout" : "error" });
          await auth.close();
        },
      );
    });
  },
);

describe("store timeouts", () => {
  it.each([0, -5, Number.NaN])("rejects storeTimeoutMs %s when the manager is created", (value) => {
    expect(() => core.create(server.url, { storeTimeoutMs: value })).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("storeTimeoutMs"),
      }),
    );
  });

  it("releases a lock that was granted after the manager stopped waiting for it", async () => {
    let released = 0;
    const store: TokenStore = sharedStore({
      get: () => Promise.resolve(undefined),
      set: () => Promise.resolve(),
      delete: () => Promise.resolve(),
      lock: () =>
        new Promise((resolve) => setTimeout(() => resolve(async () => void (released += 1)), 200)),
    });
    const auth = core.create(server.url, { store, storeTimeoutMs: 20 });
    expect((await auth.getToken()).accessToken).toMatch(/^token-/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(released).toBe(1);
    await auth.close();
  });
});
