/**
 * Median and spread (min–max) of repeated samples, and where the median lies: `low`–`high` is a
 * distribution-free confidence interval of at least 95 % for the median (order statistics of a
 * binomial(n, ½)), narrower than min–max once n ≥ 9. With fewer than 6 samples no such interval
 * exists and it is min–max.
 */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
  readonly low?: number;
  readonly high?: number;
}

/** The largest k (1-based) such that [x(k), x(n+1−k)] covers the median with ≥ 95 % confidence. */
export function medianIntervalRank(n: number): number {
  // P(Binomial(n, ½) ≤ k − 1) ≤ 2.5 % on each side.
  let k = 1;
  let below = 0; // P(B ≤ k − 1), grown term by term
  let term = 2 ** -n; // C(n, i) / 2^n for i = 0
  for (let i = 0; i < n; i++) {
    below += term;
    if (below > 0.025) break;
    k = i + 1;
    term = (term * (n - i)) / (i + 1);
  }
  return Math.min(k, (n + 1) >> 1);
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const middle = n >> 1;
  const median = n % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const k = medianIntervalRank(n);
  return {
    median,
    min: sorted[0]!,
    max: sorted[n - 1]!,
    samples: n,
    low: sorted[k - 1]!,
    high: sorted[n - k]!,
  };
}

export function formatSummary(summary: Summary, digits = 2, unit = ""): string {
  const { low = summary.min, high = summary.max } = summary;
  const interval =
    low === summary.min && high === summary.max
      ? ""
      : `; median within ${low.toFixed(digits)}–${high.toFixed(digits)}`;
  return `${summary.median.toFixed(digits)}${unit} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)}, n=${summary.samples}${interval})`;
}

/**
 * `a()` and `b()`, measured in turn, the order alternating with `pair` (A B, then B A): whatever
 * the first of two runs pays (a cold cache, a warming machine) lands on both sides alike.
 */
export function inTurn<T>(pair: number, a: () => T, b: () => T): [T, T] {
  if (pair % 2 === 0) {
    const first = a();
    return [first, b()];
  }
  const second = b();
  return [a(), second];
}

export type Verdict = "met" | "missed" | "inconclusive" | "info";

/**
 * "met" only when the median's 95 % interval is wholly on the target's side, "missed" only when
 * it is wholly on the other: when it straddles the target the machine's noise decides, and the
 * honest verdict is "inconclusive". (With n ≤ 8 the interval is the whole spread: every sample
 * must agree.)
 */
export function verdict(
  summary: Summary,
  target: number,
  better: "lower" | "higher" = "lower",
): Verdict {
  const { low = summary.min, high = summary.max } = summary;
  const [best, worst] = better === "lower" ? [low, high] : [high, low];
  const meets = (value: number) => (better === "lower" ? value <= target : value >= target);
  if (meets(worst)) return "met";
  if (!meets(best)) return "missed";
  return "inconclusive";
}
