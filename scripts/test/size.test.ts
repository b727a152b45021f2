import { describe, expect, it } from "vitest";
import { measureSizes, measureUserPaths } from "../src/bench/size.ts";

describe("size budgets (min+gzip)", () => {
  it("keeps each generated package's own runtime within 1 kB and @auth/core within its 18 kB guard", async () => {
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

  it("leaves the middleware, the store code and the event dispatcher out of an application that uses none", async () => {
    const [, backend, withMiddleware, withStore, withEvents] = await measureUserPaths();
    expect(withMiddleware!.gzip).toBeLessThanOrEqual(withMiddleware!.budget);
    expect(withStore!.gzip).toBeLessThanOrEqual(withStore!.budget);
    expect(withEvents!.gzip).toBeLessThanOrEqual(withEvents!.budget);
    // The middleware (≈ 0.3 kB min+gzip), the store gateway with fleet-wide shared state (≈ 1 kB)
    // and the event dispatcher with listener containment (≈ 0.17 kB) are only in the bundles that
    // use them.
    expect(withMiddleware!.minified - backend!.minified).toBeGreaterThan(800);
    expect(withStore!.minified - backend!.minified).toBeGreaterThan(2_500);
    expect(withEvents!.minified - backend!.minified).toBeGreaterThan(400);
  });
});
