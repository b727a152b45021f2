import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { generate } from "../codegen/generate.ts";
import { REPO_ROOT } from "../paths.ts";
import { inTurn, summarize, type Summary } from "./stats.ts";

const FIXTURE = path.join(REPO_ROOT, "scripts/test/fixtures/specs/acme.yaml");

/** In-process generation of `count` specs into a scratch root; ms per spec. */
async function timeGeneration(prepare: (specs: string) => Promise<number>): Promise<number> {
  const root = await mkdtemp(path.join(tmpdir(), "auth-bench-"));
  try {
    const specs = path.join(root, "specs");
    await mkdir(specs);
    const count = await prepare(specs);
    const started = performance.now();
    await generate({ specsDir: specs, outRoot: root, changesets: false });
    return (performance.now() - started) / count;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** Synthetic specs: the standard client-credentials fixture under distinct names and titles. */
async function synthetic(specs: string, count: number): Promise<number> {
  const text = await readFile(FIXTURE, "utf8");
  for (let i = 0; i < count; i++) {
    const id = `synthetic-${String(i).padStart(4, "0")}`;
    await writeFile(
      path.join(specs, `${id}.yaml`),
      text.replace("Acme OAuth 2.0 token endpoint", `Synthetic provider ${i}`),
    );
  }
  return count;
}

export interface P5Result {
  /** Forced generate ÷ bare openapi-typescript plus writing its output, per round (in process). */
  readonly forcedVsBare: Summary;
  /** An unchanged rerun (render cache) ÷ a forced run, per round (in process). */
  readonly unchangedVsForced: Summary;
  /** The same as whole processes (`tsx src/codegen/generate.ts`), paired. */
  readonly processUnchangedVsForced: Summary;
  readonly forcedMs: Summary;
  readonly bareMs: Summary;
  /** ms per spec at each synthetic count. */
  readonly syntheticMsPerSpec: Record<number, number>;
  /** A second `turbo run generate` is a cache hit. */
  readonly cliCacheHit: boolean;
}

/** openapi-typescript alone on each spec, writing what it prints: the floor a generator adds to. */
async function bareOpenapiTs(specsDir: string, outDir: string): Promise<number> {
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  await mkdir(outDir, { recursive: true });
  const started = performance.now();
  for (const file of (await readdir(specsDir)).filter((f) => f.endsWith(".yaml"))) {
    const document = parse(await readFile(path.join(specsDir, file), "utf8")) as Parameters<
      typeof openapiTS
    >[0];
    await writeFile(
      path.join(outDir, file.replace(/\.yaml$/, ".ts")),
      astToString(await openapiTS(document, { exportType: false, alphabetize: false })),
    );
  }
  return performance.now() - started;
}

/** Rounds of the synthetic counts (P5 flat). */
const SYNTHETIC_ROUNDS = 5;

export async function p5Codegen(rounds: number, counts: readonly number[]): Promise<P5Result> {
  const root = await mkdtemp(path.join(tmpdir(), "auth-bench-"));
  const forcedVsBare: number[] = [];
  const unchangedVsForced: number[] = [];
  const forcedMs: number[] = [];
  const bareMs: number[] = [];
  try {
    const specs = path.join(root, "specs");
    await cp(path.join(REPO_ROOT, "specs"), specs, {
      recursive: true,
      filter: (source) => !source.endsWith("README.md") && !source.includes("upstream"),
    });
    const run = async (force: boolean) => {
      const started = performance.now();
      await generate({ specsDir: specs, outRoot: root, changesets: false, force });
      return performance.now() - started;
    };
    // Round 0 warms up (module loading, JIT); A B A B with the order alternated.
    for (let round = 0; round <= rounds; round++) {
      let bare: number;
      let forced: number;
      if (round % 2 === 0) {
        bare = await bareOpenapiTs(specs, path.join(root, "bare"));
        forced = await run(true);
      } else {
        forced = await run(true);
        bare = await bareOpenapiTs(specs, path.join(root, "bare"));
      }
      const unchanged = await run(false);
      if (round === 0) continue;
      forcedMs.push(forced);
      bareMs.push(bare);
      forcedVsBare.push(forced / bare);
      unchangedVsForced.push(unchanged / forced);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  // Every count once per round, in an order rotated round by round (50 100 200, 100 200 50, …):
  // a slow stretch of the machine lands on each count alike.
  const perSpec = new Map<number, number[]>(counts.map((count) => [count, []]));
  for (let round = 0; round < SYNTHETIC_ROUNDS; round++)
    for (let k = 0; k < counts.length; k++) {
      const count = counts[(k + round) % counts.length]!;
      perSpec.get(count)!.push(await timeGeneration((specs) => synthetic(specs, count)));
    }
  const syntheticMsPerSpec: Record<number, number> = {};
  for (const [count, samples] of perSpec) syntheticMsPerSpec[count] = summarize(samples).median;

  // Whole processes, as `pnpm generate` runs the generator (its turbo task runs the `generate`
  // script of scripts/package.json, `node --import tsx src/codegen/generate.ts`): paired, alternated.
  const generator = (force: boolean) => {
    const started = performance.now();
    const args = ["--import", "tsx", "src/codegen/generate.ts", ...(force ? ["--force"] : [])];
    const result = spawnSync(process.execPath, args, {
      cwd: path.join(REPO_ROOT, "scripts"),
      encoding: "utf8",
    });
    if (result.status !== 0) throw new Error(`generate failed: ${result.stderr}`);
    return performance.now() - started;
  };
  const processRatios: number[] = [];
  generator(true);
  for (let pair = 0; pair < 11; pair++) {
    // Either order leaves the cache valid for the unchanged run.
    const [forced, unchanged] = inTurn(
      pair,
      () => generator(true),
      () => generator(false),
    );
    processRatios.push(unchanged / forced);
  }

  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  const turbo = (args: string[]) => {
    const result = spawnSync("pnpm", ["exec", "turbo", "run", "generate", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env,
    });
    if (result.status !== 0) throw new Error(`pnpm generate failed: ${result.stderr}`);
    return result.stdout;
  };
  turbo([]);
  const cached = turbo([]);
  return {
    forcedVsBare: summarize(forcedVsBare),
    unchangedVsForced: summarize(unchangedVsForced),
    processUnchangedVsForced: summarize(processRatios),
    forcedMs: summarize(forcedMs),
    bareMs: summarize(bareMs),
    syntheticMsPerSpec,
    cliCacheHit: /FULL TURBO|1 cached/.test(cached),
  };
}
