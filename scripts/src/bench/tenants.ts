import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { benchExchange } from "./peers.ts";
import { summarize, type Summary } from "./stats.ts";

const workerPath = fileURLToPath(new URL("./tenants-worker.mjs", import.meta.url));

interface Sample {
  readonly createNs: number;
  readonly createdBytes: number;
  readonly cachedBytes: number;
  readonly warmNs: number;
  readonly idleHandles: number;
  readonly releasedBytes: number;
}

export interface P7Row {
  readonly tenants: number;
  /** Per tenant, tokens cached, after GC: ours ÷ the memo's, and ours in bytes. */
  readonly bytesRatio: Summary;
  readonly bytes: Summary;
  readonly memoBytes: Summary;
  /** Bytes per tenant before any token was fetched. */
  readonly createdBytes: Summary;
  readonly createRatio: Summary;
  readonly warmRatio: Summary;
  readonly warmNs: Summary;
  readonly memoWarmNs: Summary;
  /** Timers, sockets and other handles left with every tenant idle and its token cached. */
  readonly idleHandles: number;
  /** Bytes per tenant still held after close() and dropping every reference. */
  readonly releasedBytes: Summary;
}

function sample(kind: "manager" | "memo", tenants: number): Sample {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=4096", workerPath, kind, String(tenants)],
    { encoding: "utf8", env: { ...process.env, EXCHANGE: JSON.stringify(benchExchange) } },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Sample;
}

/**
 * P7: N token managers with distinct credentials, tokens cached, against the Map-memo a careful
 * user writes per tenant. Each measurement runs in a fresh process (a clean heap), ours and the
 * memo's interleaved round by round, so both see the same machine.
 */
export async function p7Tenants(counts: readonly number[], rounds: number): Promise<P7Row[]> {
  const rows: P7Row[] = [];
  for (const tenants of counts) {
    const ours: Sample[] = [];
    const memo: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(sample("manager", tenants));
      memo.push(sample("memo", tenants));
    }
    const ratio = (pick: (s: Sample) => number) =>
      summarize(ours.map((s, i) => pick(s) / pick(memo[i]!)));
    rows.push({
      tenants,
      bytesRatio: ratio((s) => s.cachedBytes),
      bytes: summarize(ours.map((s) => s.cachedBytes)),
      memoBytes: summarize(memo.map((s) => s.cachedBytes)),
      createdBytes: summarize(ours.map((s) => s.createdBytes)),
      createRatio: ratio((s) => s.createNs),
      warmRatio: ratio((s) => s.warmNs),
      warmNs: summarize(ours.map((s) => s.warmNs)),
      memoWarmNs: summarize(memo.map((s) => s.warmNs)),
      idleHandles: Math.max(...ours.map((s) => s.idleHandles)),
      releasedBytes: summarize(ours.map((s) => s.releasedBytes)),
    });
  }
  return rows;
}
