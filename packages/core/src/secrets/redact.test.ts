import { describe, expect, it } from "vitest";
import { AuthError } from "../contract/errors.js";
import { createRedactor } from "./redact.js";

describe("redactor", () => {
  const secret = "p@ss word+/=&";
  const redactor = createRedactor(() => [secret, undefined, "tok-1"]);

  it("scrubs a secret as given, URL-encoded, form-encoded and JSON-escaped", () => {
    const text = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
      JSON.stringify(secret),
    ].join(" | ");
    expect(redactor.text(text)).not.toMatch(/ss word|ss%20word|ss\+word/);
    expect(redactor.text("tok-1 and tok-12")).toBe("[redacted] and [redacted]2");
  });

  it("scrubs an error's message, stack, provider fields and cause chain in place", () => {
    const cause = new Error(`upstream said ${secret}`);
    const error = new AuthError("endpoint_error", `failed: ${secret}`, {
      oauthErrorDescription: `echo ${secret}`,
      cause,
    });
    redactor.error(error);
    expect(error.message).toBe("failed: [redacted]");
    expect(error.stack).not.toContain(secret);
    expect(error.oauthErrorDescription).toBe("echo [redacted]");
    expect((error.cause as Error).message).toBe("upstream said [redacted]");
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it("leaves text alone when there is no secret", () => {
    expect(createRedactor(() => []).text("plain")).toBe("plain");
  });
});
