import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { benchExchange } from "./peers.ts";
import { inTurn, summarize, type Summary } from "./stats.ts";

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

function worker(args: readonly string[]): string {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--max-old-space-size=4096", workerPath, ...args],
    { encoding: "utf8", env: { ...process.env, EXCHANGE: JSON.stringify(benchExchange) } },
  );
  return out.trim().split("\n").pop()!;
}

const sample = (kind: "manager" | "memo", tenants: number) =>
  JSON.parse(worker([kind, String(tenants)])) as Sample;

/** Creation alone, in a fresh process: ns per tenant. */
const createNs = (kind: "manager" | "memo", tenants: number) =>
  (JSON.parse(worker([kind, String(tenants), "create"])) as { createNs: number }).createNs;

/**
 * P7: N token managers with distinct credentials, tokens cached, against the Map-memo a careful
 * user writes per tenant. Each measurement runs in a fresh process (a clean heap), ours and the
 * memo's interleaved round by round, so both see the same machine: `rounds` full samples (bytes,
 * handles, release), `createPairs` processes that only create (a first creation is one short,
 * noisy figure per process, so it takes many), and, at the largest N, one process holding both
 * kinds whose warm passes alternate (`warmPairs` of them).
 */
export async function p7Tenants(
  counts: readonly number[],
  rounds: number,
  createPairs: number,
  warmPairs: number,
): Promise<P7Row[]> {
  const rows: P7Row[] = [];
  for (const tenants of counts) {
    const ours: Sample[] = [];
    const memo: Sample[] = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(sample("manager", tenants));
      memo.push(sample("memo", tenants));
    }
    const createRatios: number[] = [];
    for (let pair = 0; pair < createPairs; pair++) {
      const [a, b] = inTurn(
        pair,
        () => createNs("manager", tenants),
        () => createNs("memo", tenants),
      );
      createRatios.push(a / b);
    }
    const ratio = (pick: (s: Sample) => number) =>
      summarize(ours.map((s, i) => pick(s) / pick(memo[i]!)));
    const warm =
      tenants === counts[counts.length - 1]
        ? (JSON.parse(worker(["manager", String(tenants), "warm", String(warmPairs)])) as {
            oursNs: number[];
            memoNs: number[];
          })
        : { oursNs: ours.map((s) => s.warmNs), memoNs: memo.map((s) => s.warmNs) };
    rows.push({
      tenants,
      bytesRatio: ratio((s) => s.cachedBytes),
      bytes: summarize(ours.map((s) => s.cachedBytes)),
      memoBytes: summarize(memo.map((s) => s.cachedBytes)),
      createdBytes: summarize(ours.map((s) => s.createdBytes)),
      createRatio: summarize(createRatios),
      warmRatio: summarize(warm.oursNs.map((ns, i) => ns / warm.memoNs[i]!)),
      warmNs: summarize(warm.oursNs),
      memoWarmNs: summarize(warm.memoNs),
      idleHandles: Math.max(...ours.map((s) => s.idleHandles)),
      releasedBytes: summarize(ours.map((s) => s.releasedBytes)),
    });
  }
  return rows;
}
