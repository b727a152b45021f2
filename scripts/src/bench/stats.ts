/** Median and spread (min–max) of repeated samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, samples: sorted.length };
}

export function formatSummary(summary: Summary, digits = 2, unit = ""): string {
  return `${summary.median.toFixed(digits)}${unit} (${summary.min.toFixed(digits)}–${summary.max.toFixed(digits)}, n=${summary.samples})`;
}

export type Verdict = "met" | "missed" | "inconclusive" | "info";

/**
 * "met" only when every sample meets the target, "missed" only when none does: when the spread
 * straddles the target the machine's noise decides, and the honest verdict is "inconclusive".
 */
export function verdict(
  summary: Summary,
  target: number,
  better: "lower" | "higher" = "lower",
): Verdict {
  const [best, worst] =
    better === "lower" ? [summary.min, summary.max] : [summary.max, summary.min];
  const meets = (value: number) => (better === "lower" ? value <= target : value >= target);
  if (meets(worst)) return "met";
  if (!meets(best)) return "missed";
  return "inconclusive";
}
