import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { alternativePaymentsTarget, core, manisTarget } from "./support/targets.js";
import * as alternativePayments from "@auth/alternative-payments";
import * as manis from "@auth/manis";

// Concern: a configuration mistake is an `invalid_options` error from createAuth() naming the
// option — never a network error retried on every call, and never a request.

let server: RudeServer;
beforeAll(async () => {
  server = await startRudeServer((_request, response) =>
    sendJson(response, 200, { ...core.okBody("t"), ...manisTarget.okBody("t") }),
  );
});
afterAll(() => server.close());

const invalid = (name: string) =>
  expect.objectContaining({ code: "invalid_options", message: expect.stringContaining(name) });

describe("credentials that HTTP cannot carry", () => {
  it.each([
    ["a non-Latin-1 character", "秘密-secret"],
    ["a Latin-1 but non-ASCII character", "sëcret"],
    ["a leading space", " secret"],
    ["a trailing space", "secret "],
    ["a tab", "sec\tret"],
  ])("rejects a header secret with %s at createAuth (@auth/manis)", (_name, secret) => {
    expect(() => manis.createAuth({ merchantId: "m", secret, baseUrl: server.url })).toThrow(
      invalid("secret"),
    );
    expect(server.requests).toBe(0);
  });

  it("rejects a ':' in a Basic user name at createAuth (@auth/alternative-payments)", () => {
    expect(() =>
      alternativePayments.createAuth({
        clientId: "id:with-colon",
        clientSecret: "s",
        baseUrl: server.url,
      }),
    ).toThrow(invalid("clientId"));
    expect(server.requests).toBe(0);
  });

  it("sends Basic credentials as raw UTF-8 (RFC 7617), not form-urlencoded: ':' '%' '+' in a secret arrive verbatim", async () => {
    const clientSecret = "pa:ss%2B+wörd";
    const auth = alternativePayments.createAuth({
      clientId: "client-ü",
      clientSecret,
      baseUrl: server.url,
    });
    await auth.getToken();
    const header = server.seen.at(-1)!.headers.authorization!;
    const decoded = Buffer.from(header.replace(/^Basic /, ""), "base64").toString("utf8");
    expect(decoded).toBe(`client-ü:${clientSecret}`);
    await auth.close();
  });
});

describe("policy options", () => {
  it.each([
    [{ retry: { maxAttemps: 3 } }, "retry.maxAttemps"],
    [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts"],
    [{ retry: { attemptTimeoutMs: -1 } }, "retry.attemptTimeoutMs"],
    [{ timing: { refreshAheadRatio: "0.3" } }, "timing.refreshAheadRatio"],
    [{ timing: { defaultTtlMs: Number.NaN } }, "timing.defaultTtlMs"],
    [{ storeTimeoutMs: "1000" }, "storeTimeoutMs"],
  ])("rejects %j naming %s", (options, name) => {
    expect(() => core.create(server.url, options)).toThrow(invalid(name));
    expect(() => alternativePaymentsTarget.create(server.url, options)).toThrow(invalid(name));
  });
});
