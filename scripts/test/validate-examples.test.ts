import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { validateExamples } from "../src/specs/validate-examples.ts";
import { FIXTURES } from "./workspace.ts";

describe("example validation", () => {
  it("accepts every example of the committed specs", async () => {
    for (const name of ["interswitch", "alternative-payments", "enkash", "manis"]) {
      const document = parse(await readFile(path.join(REPO_ROOT, "specs", `${name}.yaml`), "utf8"));
      expect(validateExamples(`specs/${name}.yaml`, document)).toEqual([]);
    }
  });

  it("reports an example that does not match its schema, with its pointer", async () => {
    const text = (await readFile(path.join(FIXTURES, "acme.yaml"), "utf8")).replace(
      "expires_in: 600",
      'expires_in: "soon"',
    );
    const problems = validateExamples("acme.yaml", parse(text));
    expect(problems).toEqual([
      expect.objectContaining({
        pointer: "/paths/~1token/post/responses/200/content/application~1json/example/expires_in",
        message: expect.stringContaining("must be integer"),
      }),
    ]);
  });

  it("requires an example on request bodies and success responses", async () => {
    const text = (await readFile(path.join(FIXTURES, "acme.yaml"), "utf8")).replace(
      /            example:\n              grant_type: client_credentials\n/,
      "",
    );
    const problems = validateExamples("acme.yaml", parse(text));
    expect(problems.map((p) => p.message)).toContain(
      "has no example; add one that validates against the schema",
    );
  });
});
