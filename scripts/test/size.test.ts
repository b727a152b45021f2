import { describe, expect, it } from "vitest";
import { measureSizes } from "../src/size.ts";

describe("size budgets (min+gzip)", () => {
  it("keeps each generated package's own runtime within 1 kB and @auth/core within its 11 kB guard", async () => {
    const rows = await measureSizes();
    expect(rows.map((r) => r.name)).toContain("@auth/core");
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const over = rows
      .filter((row) => row.gzip > row.budget)
      .map((row) => `${row.name}: ${row.gzip} B > ${row.budget} B`);
    expect(over).toEqual([]);
  });
});
