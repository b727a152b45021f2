import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, sha256Hex } from "./digest.js";

// Checked against node:crypto, never against itself: lengths around every padding boundary,
// multi-byte UTF-8, and HMAC keys shorter than, equal to and longer than the 64-byte block.
describe("sha256Hex and hmacSha256Hex", () => {
  const texts = [
    "",
    "abc",
    "é☃𝄞",
    "\u2028",
    ...[55, 56, 63, 64, 65, 119, 120, 1000].map((n) => "x".repeat(n)),
  ];
  it.each(texts.map((t) => [t.length, t]))(
    "sha256 of %i characters matches node:crypto",
    (_n, text) => {
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    },
  );
  it("hmac matches node:crypto for keys of every size class", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength).toString("base64").slice(0, keyLength);
      for (const text of texts)
        expect(hmacSha256Hex(key, text)).toBe(
          createHmac("sha256", key).update(text, "utf8").digest("hex"),
        );
    }
  });
});
