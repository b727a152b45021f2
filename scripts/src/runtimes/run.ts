import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { REPO_ROOT } from "../generate.ts";

/**
 * `pnpm test:runtimes`: the packages as users install them. Packs every package the scenario needs,
 * installs the tarballs with npm into a fresh consumer project, runs one scenario on each Node
 * version (real binaries from the `node` npm package), Bun and Deno (their npm packages), and type-checks a consumer under node16,
 * nodenext and bundler resolution with `skipLibCheck: false`. Prints a table runtime × check and
 * exits non-zero on any failure. A runtime that cannot be had is reported as skipped, with why.
 */
const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const PACKAGES = ["core", "alternative-payments", "sandbox"];
const NODE_VERSIONS = ["20.19.6", "22.23.3", "24.9.0"];
const BUN_VERSION = "1.4.5";
const DENO_VERSION = "2.9.6";
const progress = (line: string) => process.stderr.write(`runtimes: ${line}\n`);

type Cell = "pass" | `fail: ${string}` | `skipped: ${string}`;

async function npm(cwd: string, args: string[]): Promise<void> {
  await run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    maxBuffer: 1 << 26,
  });
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), "auth-runtimes-"));
  try {
    progress(`packing ${PACKAGES.join(", ")}…`);
    const tarballs = path.join(work, "tarballs");
    await mkdir(tarballs);
    for (const name of PACKAGES)
      await run("pnpm", ["pack", "--pack-destination", tarballs], {
        cwd: path.join(REPO_ROOT, "packages", name),
      });
    const files = await readdir(tarballs);
    const tarball = (name: string) =>
      `file:${path.join(
        tarballs,
        files.find((f) => f.startsWith(`auth-${name}-`))!,
      )}`;

    progress("installing the tarballs into a fresh consumer project…");
    const consumer = path.join(work, "consumer");
    await mkdir(consumer);
    await writeFile(
      path.join(consumer, "package.json"),
      JSON.stringify(
        {
          name: "consumer",
          private: true,
          type: "module",
          dependencies: {
            ...Object.fromEntries(PACKAGES.map((name) => [`@auth/${name}`, tarball(name)])),
            "openapi-fetch": "0.17.0",
          },
          // The packed providers depend on "@auth/core": "^0.1.0", which the public registry would
          // resolve to Auth.js's package: point it at ours.
          overrides: { "@auth/core": tarball("core") },
        },
        null,
        2,
      ),
    );
    await npm(consumer, ["install"]);
    await copyFile(path.join(here, "scenario.mjs"), path.join(consumer, "scenario.mjs"));
    await copyFile(path.join(here, "consumer.ts"), path.join(consumer, "consumer.ts"));

    const table = new Map<string, Record<string, Cell>>();
    const scenario = async (runtime: string, executable: string, flags: string[] = []) => {
      progress(`scenario on ${runtime}…`);
      try {
        const { stdout } = await run(executable, [...flags, "scenario.mjs"], {
          cwd: consumer,
          timeout: 120_000,
        });
        table.set(runtime, JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, Cell>);
      } catch (error) {
        const message =
          (error as { stderr?: string; message: string }).stderr || (error as Error).message;
        table.set(runtime, { scenario: `fail: ${message.trim().split("\n").slice(-3).join(" ")}` });
      }
    };

    await scenario(`node ${process.versions.node} (this machine)`, process.execPath);
    for (const version of NODE_VERSIONS) {
      const tools = path.join(work, `node-${version}`);
      await mkdir(tools);
      await writeFile(path.join(tools, "package.json"), '{"private":true}');
      try {
        await npm(tools, ["install", `node@${version}`]);
      } catch (error) {
        table.set(`node ${version}`, {
          scenario: `skipped: npm could not install node@${version} (${(error as Error).message.split("\n")[0]})`,
        });
        continue;
      }
      await scenario(`node ${version}`, path.join(tools, "node_modules/node/bin/node"));
    }

    // Bun and Deno from their npm packages, which ship the real binaries.
    const others = path.join(work, "bun-deno");
    await mkdir(others);
    await writeFile(path.join(others, "package.json"), '{"private":true}');
    let othersInstalled = true;
    try {
      await npm(others, ["install", `bun@${BUN_VERSION}`, `deno@${DENO_VERSION}`]);
    } catch (error) {
      othersInstalled = false;
      const why = `skipped: npm could not install bun/deno (${(error as Error).message.split("\n")[0]})`;
      table.set(`bun ${BUN_VERSION}`, { scenario: why as Cell });
      table.set(`deno ${DENO_VERSION}`, { scenario: why as Cell });
    }
    if (othersInstalled) {
      await scenario(`bun ${BUN_VERSION}`, path.join(others, "node_modules/.bin/bun"));
      await scenario(`deno ${DENO_VERSION}`, path.join(others, "node_modules/.bin/deno"), [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
      ]);
    }

    const tsc = path.join(REPO_ROOT, "scripts/node_modules/.bin/tsc");
    const types: Record<string, Cell> = {};
    for (const [name, module, resolution] of [
      ["node16", "node16", "node16"],
      ["nodenext", "nodenext", "nodenext"],
      ["bundler", "esnext", "bundler"],
    ] as const) {
      progress(`type-checking the consumer (${name})…`);
      const config = `tsconfig.${name}.json`;
      await writeFile(
        path.join(consumer, config),
        JSON.stringify({
          compilerOptions: {
            noEmit: true,
            strict: true,
            skipLibCheck: false,
            target: "es2022",
            lib: ["es2022", "dom"],
            types: [],
            module,
            moduleResolution: resolution,
          },
          files: ["consumer.ts"],
        }),
      );
      const args = ["-p", config];
      types[name] = await run(tsc, args, { cwd: consumer }).then(
        () => "pass" as const,
        (error: { stdout: string }) =>
          `fail: ${error.stdout.trim().split("\n").slice(0, 3).join(" ")}` as const,
      );
    }
    table.set("tsc (skipLibCheck: false)", types);

    const checks = [...new Set([...table.values()].flatMap((row) => Object.keys(row)))];
    const lines = [
      `| runtime | ${checks.join(" | ")} |`,
      `| --- | ${checks.map(() => "---").join(" | ")} |`,
      ...[...table].map(
        ([runtime, row]) =>
          `| ${runtime} | ${checks.map((check) => row[check] ?? "—").join(" | ")} |`,
      ),
    ];
    console.log(lines.join("\n"));
    const failed = [...table.values()].some((row) =>
      Object.values(row).some((cell) => cell.startsWith("fail")),
    );
    const passed = [...table.values()].reduce(
      (sum, row) => sum + Object.values(row).filter((cell) => cell === "pass").length,
      0,
    );
    const failures = [...table.values()].reduce(
      (sum, row) => sum + Object.values(row).filter((cell) => cell.startsWith("fail")).length,
      0,
    );
    console.log(`\nruntimes: ${passed} passed, ${failures} failed`);
    if (failed) process.exitCode = 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

await main();
