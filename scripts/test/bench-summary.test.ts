import { describe, expect, it } from "vitest";
import {
  formatSummary,
  inTurn,
  medianIntervalRank,
  summarize,
  verdict,
} from "../src/bench/stats.ts";
import { END, renderSummary, START, withSummary, type BenchResults } from "../src/bench/summary.ts";
import {
  type History,
  historyRun,
  KEPT_RUNS,
  renderReproduction,
  rowKeys,
  withRun,
} from "../src/bench/history.ts";
import type { Verdict } from "../src/bench/stats.ts";

const spread = (min: number, median: number, max: number) => ({ min, median, max, samples: 7 });

describe("verdicts from a spread", () => {
  it("is met or missed only when the whole spread is on one side of the target", () => {
    expect(verdict(spread(1.1, 1.2, 1.4), 1.5)).toBe("met");
    expect(verdict(spread(1.6, 1.7, 1.9), 1.5)).toBe("missed");
    expect(verdict(spread(0.8, 1.2, 1.9), 1.5)).toBe("inconclusive");
    expect(verdict(spread(0.8, 0.9, 1.0), 1.0)).toBe("met");
    expect(verdict(spread(5, 6, 7), 4, "higher")).toBe("met");
  });
});

describe("the median's 95 % interval", () => {
  it("is the order statistics a binomial(n, ½) allows, and decides the verdict from n = 9 on", () => {
    // Known ranks: n = 6–8 → min–max, 9 → 2nd, 15 → 4th, 21 → 6th, 31 → 10th.
    expect([5, 6, 7, 8, 9, 15, 21, 31].map(medianIntervalRank)).toEqual([1, 1, 1, 1, 2, 4, 6, 10]);
    // One outlier each side of a tight cluster: the spread straddles 1.15, the median does not.
    const ratios = [1.0, 1.08, 1.09, 1.09, 1.1, 1.1, 1.1, 1.11, 1.11, 1.12, 1.12];
    const noisy = summarize([...ratios, 1.4, 1.02, 1.1, 1.11]);
    expect(noisy).toMatchObject({ samples: 15, min: 1.0, max: 1.4, low: 1.09, high: 1.11 });
    expect(verdict(noisy, 1.15)).toBe("met");
    expect(verdict(noisy, 1.1)).toBe("inconclusive");
    expect(verdict(noisy, 1.05)).toBe("missed");
    // Seven samples: the interval is the whole spread, as before.
    expect(verdict(summarize([1.0, 1.1, 1.1, 1.1, 1.1, 1.1, 1.4]), 1.15)).toBe("inconclusive");
    expect(formatSummary(noisy)).toBe("1.10 (1.00–1.40, n=15; median within 1.09–1.11)");
  });
});

describe("README benchmark summary", () => {
  const results: BenchResults = {
    machine: "test machine",
    rows: [
      { id: "P1", what: "warm", measured: "1.2×", target: "≤ 1.5×", verdict: "met" },
      { id: "P2", what: "burst", measured: "1.1×", target: "≤ 1.10×", verdict: "inconclusive" },
      { id: "P5", what: "codegen", measured: "70 ms", target: "≤ 50 ms", verdict: "missed" },
      { id: "P1 peer", what: "peer", measured: "1.1×", target: "—", verdict: "info" },
    ],
    steady: {
      lifetimeSeconds: 2,
      seconds: 20,
      rows: [
        { client: "@auth/core", calls: 100, upstream: 21, blocked: 0, expiredServed: 0 },
        { client: "oauth4webapi + memo", calls: 100, upstream: 11, blocked: 500, expiredServed: 3 },
      ],
    },
    longLived: [
      { client: "@auth/core", requestsPerHour: 1.2 },
      { client: "memo cache", requestsPerHour: 1 },
    ],
    suiteSeconds: 95,
  };

  it("is computed from the results: counts, the targets not met, the trade-off, the suite time", () => {
    const summary = renderSummary(results);
    expect(summary.startsWith(START) && summary.endsWith(END)).toBe(true);
    expect(summary).toContain("1 targets met, 1 missed, 1 inconclusive");
    expect(summary).toContain("- P5 codegen: 70 ms, target ≤ 50 ms (**missed**)");
    expect(summary).toContain("- P2 burst: 1.1×, target ≤ 1.10× (**inconclusive**)");
    // Met rows and peers are in BENCHMARKS.md only.
    expect(summary).not.toContain("P1 warm");
    expect(summary).not.toContain("P1 peer");
    expect(summary).toContain("[BENCHMARKS.md](BENCHMARKS.md)");
    expect(summary).toContain(
      "1.9× the requests of a memo cache while blocking 0 callers (memo caches: 500)",
    );
    expect(summary).toContain("1.20 requests per hour against 1.00");
    expect(summary).toContain("took 95 s");
  });

  it("replaces only what is between the markers, and refuses a README without them", () => {
    const readme = `# Title\n\nbefore\n\n${START}\nold\n${END}\n\nafter\n`;
    const updated = withSummary(readme, renderSummary(results));
    expect(updated.startsWith("# Title\n\nbefore\n\n")).toBe(true);
    expect(updated.endsWith("\n\nafter\n")).toBe(true);
    expect(updated).not.toContain("\nold\n");
    expect(() => withSummary("# no markers", "x")).toThrow(/bench-summary:start/);
  });
});

describe("verdicts across runs (bench-history.json)", () => {
  const row = (id: string, what: string, verdict: Verdict) => ({
    id,
    what,
    measured: "1.00×",
    target: "≤ 1.1×",
    verdict,
  });
  const rows = (p6: Verdict) => [
    row("P1", "warm getToken() ÷ a memo (ours 1.0 µs)", "met"),
    row("P1", "warm getToken() ÷ a memo (ours 1.1 µs)", "met"),
    row("P1 peer", "a peer", "info"),
    row("P6", "import ÷ oauth4webapi (ours 170 ms)", p6),
  ];

  it("keys rows by id and text before their figures, numbering repeats, and leaves info rows out", () => {
    expect(rowKeys(rows("met"))).toEqual([
      "P1 warm getToken() ÷ a memo",
      "P1 warm getToken() ÷ a memo #2",
      "P1 peer a peer",
      "P6 import ÷ oauth4webapi",
    ]);
    expect(historyRun(rows("met"), "abc1234", "machine", 200).verdicts).toEqual({
      "P1 warm getToken() ÷ a memo": "met",
      "P1 warm getToken() ÷ a memo #2": "met",
      "P6 import ÷ oauth4webapi": "met",
    });
  });

  it("keeps the newest runs and names the rows whose verdicts differ among the last three", () => {
    let history: History = { runs: [] };
    for (let i = 0; i < KEPT_RUNS + 2; i++)
      history = withRun(history, historyRun(rows("met"), `c${i}`, "machine"));
    expect(history.runs).toHaveLength(KEPT_RUNS);
    expect(history.runs[0]!.commit).toBe("c2");
    const agreeing = renderReproduction(history);
    expect(agreeing).toContain(
      "Every one of the 3 rows with a target has the same verdict in all 3 runs",
    );
    history = withRun(history, historyRun(rows("inconclusive"), "c12", "machine", 210));
    const differing = renderReproduction(history);
    expect(differing).toContain(
      "2 of the 3 rows with a target have the same verdict in all 3 runs; these differ: P6 import ÷ oauth4webapi (met / met / inconclusive)",
    );
    expect(differing).toContain("- this run: c12, machine; the forced suite took 210 s");
    expect(differing).toContain("| P6 import ÷ oauth4webapi | met | met | inconclusive |");
    expect(renderReproduction({ runs: history.runs.slice(-1) })).toBe("");
  });
});

describe("paired measurements", () => {
  it("runs both sides in turn, the order alternating, and returns them as [a, b]", () => {
    const order: string[] = [];
    const a = () => (order.push("a"), "A");
    const b = () => (order.push("b"), "B");
    expect(inTurn(0, a, b)).toEqual(["A", "B"]);
    expect(inTurn(1, a, b)).toEqual(["A", "B"]);
    expect(order).toEqual(["a", "b", "b", "a"]);
  });
});
