import { headline, type Row } from "./summary.ts";
import type { Verdict } from "./stats.ts";

/**
 * The verdicts of earlier `pnpm bench` runs, kept in bench-history.json, so BENCHMARKS.md can show
 * whether a verdict reproduces: a row "met" once and "inconclusive" the next time measured noise,
 * not the code.
 */
export interface HistoryRun {
  /** The commit measured, with "+ uncommitted changes" when the tree differed from it. */
  readonly commit: string;
  readonly machine: string;
  readonly suiteSeconds?: number;
  /** Verdict per row key (see rowKeys); info rows are left out. */
  readonly verdicts: Readonly<Record<string, Verdict>>;
}

export interface History {
  readonly runs: readonly HistoryRun[];
}

/** How many runs bench-history.json keeps, and how many BENCHMARKS.md compares. */
export const KEPT_RUNS = 10;
export const SHOWN_RUNS = 3;

/**
 * A key per row that stays the same from run to run: its id and its headline (see `headline`),
 * numbered when two rows share it.
 */
export function rowKeys(rows: readonly Row[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const base = `${row.id} ${headline(row.what)}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base} #${count}`;
  });
}

/** This run's entry: the verdict of every row that has a target. */
export function historyRun(
  rows: readonly Row[],
  commit: string,
  machine: string,
  suiteSeconds?: number,
): HistoryRun {
  const keys = rowKeys(rows);
  const verdicts: Record<string, Verdict> = {};
  rows.forEach((row, i) => {
    if (row.verdict !== "info") verdicts[keys[i]!] = row.verdict;
  });
  return { commit, machine, ...(suiteSeconds === undefined ? {} : { suiteSeconds }), verdicts };
}

/** `history` with `run` added as its newest entry, the oldest dropped beyond KEPT_RUNS. */
export function withRun(history: History, run: HistoryRun): History {
  return { runs: [...history.runs, run].slice(-KEPT_RUNS) };
}

/**
 * BENCHMARKS.md's section on reproduction: the last SHOWN_RUNS runs (this one last), each row's
 * verdict in each, and the rows whose verdicts differ. A row a run did not have shows "—".
 */
export function renderReproduction(history: History): string {
  const runs = history.runs.slice(-SHOWN_RUNS);
  if (runs.length < 2) return "";
  const current = runs[runs.length - 1]!;
  const keys = Object.keys(current.verdicts);
  const differ = keys.filter((key) => new Set(runs.map((run) => run.verdicts[key])).size > 1);
  const escape = (text: string) => text.replaceAll("|", "\\|");
  const label = (i: number) => (i === runs.length - 1 ? "this run" : `run ${i + 1}`);
  return [
    `## Do the verdicts reproduce? The last ${runs.length} runs`,
    "",
    ...runs.map(
      (run, i) =>
        `- ${label(i)}: ${run.commit}, ${run.machine}${run.suiteSeconds === undefined ? "" : `; the forced suite took ${run.suiteSeconds.toFixed(0)} s`}`,
    ),
    "",
    differ.length === 0
      ? `Every one of the ${keys.length} rows with a target has the same verdict in all ${runs.length} runs.`
      : `${keys.length - differ.length} of the ${keys.length} rows with a target have the same verdict in all ${runs.length} runs; these differ: ${differ.map((key) => `${key} (${runs.map((run) => run.verdicts[key] ?? "—").join(" / ")})`).join("; ")}.`,
    "",
    `| row | ${runs.map((_, i) => label(i)).join(" | ")} |`,
    `| --- | ${runs.map(() => "---").join(" | ")} |`,
    ...keys.map(
      (key) => `| ${escape(key)} | ${runs.map((run) => run.verdicts[key] ?? "—").join(" | ")} |`,
    ),
  ].join("\n");
}
