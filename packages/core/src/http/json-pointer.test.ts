import { describe, expect, it } from "vitest";
import { readField } from "./json-pointer.js";

describe("readField", () => {
  const body = JSON.parse(
    '{"access_token":"top","data":{"accessToken":"nested","a/b":{"m~n":"escaped"},"list":["zero","one"]},"__proto__":{"polluted":"yes"}}',
  ) as unknown;

  it("reads a top-level name and a JSON Pointer", () => {
    expect(readField(body, "access_token")).toBe("top");
    expect(readField(body, "/access_token")).toBe("top");
    expect(readField(body, "/data/accessToken")).toBe("nested");
  });

  it("decodes ~1 and ~0 (RFC 6901) and indexes arrays by whole numbers only", () => {
    expect(readField(body, "/data/a~1b/m~0n")).toBe("escaped");
    expect(readField(body, "/data/list/1")).toBe("one");
    expect(readField(body, "/data/list/01")).toBeUndefined();
    expect(readField(body, "/data/list/-")).toBeUndefined();
    expect(readField(body, "/data/list/length")).toBeUndefined();
  });

  it("is undefined past a missing step or a non-object, and never reads inherited members", () => {
    expect(readField(body, "/data/missing/deeper")).toBeUndefined();
    expect(readField(body, "/access_token/length")).toBeUndefined();
    expect(readField({}, "/constructor")).toBeUndefined();
    expect(readField({}, "toString")).toBeUndefined();
    expect(readField({ a: {} }, "/a/__proto__")).toBeUndefined();
    // JSON.parse makes "__proto__" an own key: reading it is fine, and nothing was polluted.
    expect(readField(body, "/__proto__/polluted")).toBe("yes");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(readField(null, "/a")).toBeUndefined();
    expect(readField("text", "a")).toBeUndefined();
  });
});
