import { describe, expect, it } from "vitest";
import { measureSizes, measureUserPaths } from "../src/size.ts";

describe("size budgets (min+gzip)", () => {
  it("keeps each generated package's own runtime within 1 kB and @auth/core within its 12 kB guard", async () => {
    const rows = await measureSizes();
    expect(rows.map((r) => r.name)).toContain("@auth/core");
    expect(rows.length).toBeGreaterThanOrEqual(5);
    const over = rows
      .filter((row) => row.gzip > row.budget)
      .map((row) => `${row.name}: ${row.gzip} B > ${row.budget} B`);
    expect(over).toEqual([]);
  });

  it("ships 0 B for a types-only import, and keeps the backend path within its guard", async () => {
    const [typesOnly, backend] = await measureUserPaths();
    expect(typesOnly!.gzip).toBe(0);
    expect(backend!.gzip).toBeGreaterThan(0);
    expect(backend!.gzip).toBeLessThanOrEqual(backend!.budget);
  });

  it("leaves the middleware and the store code out of an application that uses neither", async () => {
    const [, backend, withMiddleware, withStore] = await measureUserPaths();
    expect(withMiddleware!.gzip).toBeLessThanOrEqual(withMiddleware!.budget);
    expect(withStore!.gzip).toBeLessThanOrEqual(withStore!.budget);
    // The middleware (≈ 0.3 kB min+gzip) and the store gateway with fleet-wide shared state
    // (≈ 1 kB) are only in the bundles that use them.
    expect(withMiddleware!.minified - backend!.minified).toBeGreaterThan(800);
    expect(withStore!.minified - backend!.minified).toBeGreaterThan(2_500);
  });
});
