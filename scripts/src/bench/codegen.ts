import { spawnSync } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { generate } from "../codegen/generate.ts";
import { REPO_ROOT } from "../paths.ts";
import { summarize, type Summary } from "./stats.ts";

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
  readonly realSpecsMsPerSpec: Summary;
  readonly syntheticMsPerSpec: Record<number, number>;
  /** Forced `turbo run generate`, three runs. */
  readonly cliColdMs: Summary;
  readonly cliCachedMs: number;
  readonly cliCacheHit: boolean;
}

export async function p5Codegen(rounds: number, counts: readonly number[]): Promise<P5Result> {
  const real: number[] = [];
  for (let round = 0; round < rounds; round++) {
    real.push(
      await timeGeneration(async (specs) => {
        await cp(path.join(REPO_ROOT, "specs"), specs, {
          recursive: true,
          filter: (source) => !source.endsWith("README.md"),
        });
        return 4;
      }),
    );
  }
  const syntheticMsPerSpec: Record<number, number> = {};
  for (const count of counts) {
    const samples: number[] = [];
    for (let sample = 0; sample < 3; sample++) {
      samples.push(await timeGeneration((specs) => synthetic(specs, count)));
    }
    syntheticMsPerSpec[count] = summarize(samples).median;
  }

  const env = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" };
  const turbo = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync("pnpm", ["exec", "turbo", "run", "generate", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env,
    });
    if (result.status !== 0) throw new Error(`pnpm generate failed: ${result.stderr}`);
    return { ms: performance.now() - started, output: result.stdout };
  };
  const cold = [0, 1, 2].map(() => turbo(["--force"]).ms);
  const cached = turbo([]);
  return {
    realSpecsMsPerSpec: summarize(real),
    syntheticMsPerSpec,
    cliColdMs: summarize(cold),
    cliCachedMs: cached.ms,
    cliCacheHit: /FULL TURBO|1 cached/.test(cached.output),
  };
}
