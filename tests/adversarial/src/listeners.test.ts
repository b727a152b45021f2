import { onTokenEvent } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { targets } from "./support/targets.js";

// Concern: an event listener's bug — a sync throw or an async rejection — never reaches the
// process (an unhandled rejection is fatal under Node's default) and never breaks token handling;
// and a listener passed the way 0.1 took it (the onEvent option) is refused, not silently deaf.

let server: RudeServer;
const unhandled: unknown[] = [];
const record = (reason: unknown) => unhandled.push(reason);
beforeAll(async () => {
  server = await startRudeServer((_request, response) =>
    sendJson(response, 200, {
      ...targets[0]!.okBody("t"),
      token: "t",
      expiresAt: Date.now() + 3_600_000,
    }),
  );
  process.on("unhandledRejection", record);
});
afterAll(async () => {
  process.off("unhandledRejection", record);
  await server.close();
});

describe.each(targets)("listeners through $name", (target) => {
  it("contains sync throws and async rejections, and the listeners after a broken one still hear", async () => {
    let asyncCalls = 0;
    const heard: string[] = [];
    const auth = target.create(server.url);
    onTokenEvent(auth, () => {
      throw new Error("listener bug (sync)");
    });
    onTokenEvent(auth, async () => {
      asyncCalls += 1;
      throw new Error("listener bug (async)");
    });
    onTokenEvent(auth, () => Promise.reject(new Error("listener bug (returned rejection)")));
    onTokenEvent(auth, (event) => heard.push(event.type));
    expect((await auth.getToken()).accessToken).toBe("t");
    await auth.invalidate();
    expect((await auth.getToken({ forceRefresh: true })).accessToken).toBe("t");
    // Give any stray rejection time to surface.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(asyncCalls).toBeGreaterThan(0);
    expect(heard).toEqual(["fetch_started", "fetch_succeeded", "fetch_started", "fetch_succeeded"]);
    expect(unhandled).toEqual([]);
    await auth.close();
  });

  it("refuses the removed onEvent option, naming onTokenEvent", () => {
    expect(() => target.create(server.url, { onEvent: () => undefined })).toThrow(
      expect.objectContaining({
        code: "invalid_options",
        message: expect.stringContaining("onTokenEvent(auth, listener)"),
      }),
    );
  });
});
