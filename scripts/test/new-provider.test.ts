import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { copyWorkspace, FIXTURES } from "./workspace.ts";
import { pnpmCommand } from "../src/pnpm.ts";

const run = promisify(execFile);

/**
 * The promise of the repo, tested as a new user would keep it: a scratch copy of the workspace,
 * the fixture specs dropped into specs/ and nothing else edited, then `pnpm generate`,
 * `pnpm install`, a build, the sandbox's whole suite (e2e + contract, which cover every generated
 * provider) and the demo. Each fixture is one token-endpoint shape the four seeds do not have.
 */
const SHAPES = [
  "query-grant",
  "json-body",
  "envelope",
  "ok-failure",
  "custom-header",
  "iso-expiry",
  "stated-lifetime",
  "tenant-host",
  "2momo",
  "signed-assertion",
  "text-token",
  "header-token",
  "checksum-pay",
  "company-basic",
  "seeded-refresh",
  "refresh-endpoint",
  "minted-jwt",
];
const PNPM = pnpmCommand();

let root: string;
const timeline: [string, number][] = [];
const started = performance.now();
const mark = (step: string) => timeline.push([step, Math.round(performance.now() - started)]);
/** Runs pnpm in the scratch workspace; a failure carries pnpm's own output. */
const pnpm = (args: string[], cwd = root) =>
  run(PNPM.command, [...PNPM.prefix, ...args], {
    cwd,
    // A fresh copy has no turbo cache to force past (`pnpm bench` times the suite with TURBO_FORCE).
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "TURBO_FORCE")),
      TURBO_TELEMETRY_DISABLED: "1",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
    },
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string; message?: string }) => {
    throw new Error(
      `pnpm ${args.join(" ")} failed:\n${error.stdout ?? ""}\n${error.stderr ?? error.message ?? ""}`,
    );
  });

/** Content of every file a user would commit (no dependencies, build output or caches), by path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, relative), { withFileTypes: true })) {
      const name = relative ? `${relative}/${entry.name}` : entry.name;
      if (["node_modules", "dist", ".turbo", ".git"].includes(entry.name)) continue;
      if (entry.isDirectory()) await walk(name);
      else if (entry.isFile()) files.set(name, await readFile(path.join(dir, name), "utf8"));
    }
  };
  await walk("");
  return files;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "auth-workspace-"));
  await copyWorkspace(root);
  for (const shape of SHAPES)
    await cp(path.join(FIXTURES, `${shape}.yaml`), path.join(root, "specs", `${shape}.yaml`));
  await pnpm(["install", "--frozen-lockfile", "--prefer-offline"]);
  mark("workspace copied, fixtures added, installed");
}, 600_000);
afterAll(async () => {
  console.log(
    `new-provider test timeline (ms since start):\n${timeline.map(([step, ms]) => `  ${String(ms).padStart(7)}  ${step}`).join("\n")}`,
  );
  await rm(root, { recursive: true, force: true });
});

describe("a new provider is one spec: fixtures dropped into a scratch workspace", () => {
  it("generates a package per spec, and the sandbox and demo cover them with no other edit", async () => {
    const before = await snapshot(root);
    const generated = await pnpm(["generate"]);
    mark("pnpm generate");
    for (const shape of SHAPES) expect(generated.stdout).toContain(`@auth/${shape}`);
    expect(await readdir(path.join(root, "packages"))).toEqual(expect.arrayContaining(SHAPES));
    // One pending changeset per new package.
    const changesets = await readdir(path.join(root, ".changeset"));
    for (const shape of SHAPES) expect(changesets).toContain(`generated-${shape}.md`);

    // New workspace packages: the lockfile changes (the "Adding a provider" steps commit it).
    // pnpm freezes the lockfile under CI=true; a new package is exactly when it must change.
    await pnpm(["install", "--no-frozen-lockfile", "--prefer-offline"]);
    mark("pnpm install (new packages)");
    await pnpm([
      "exec",
      "turbo",
      "run",
      "build",
      "--filter=@auth/examples...",
      "--output-logs=errors-only",
    ]);
    mark("turbo run build (the demo and everything it needs)");

    const suite = await pnpm([
      "--filter",
      "@auth/sandbox",
      "exec",
      "vitest",
      "run",
      "--reporter=verbose",
    ]);
    mark("the sandbox's suite");
    const output = suite.stdout.replace(/\x1b\[[0-9;]*m/g, "");
    // Every shape ran the generic end-to-end scenarios and the spec contract.
    for (const shape of SHAPES) {
      expect(output).toContain(`${shape} end to end through its generated package`);
      // A token the client mints has no token endpoint whose answers could be validated.
      if (shape === "minted-jwt")
        expect(output).toContain(
          `${shape} end to end through its generated package (a token the client mints)`,
        );
      else expect(output).toContain(`${shape}: every sandbox response validates against the spec`);
    }
    expect(output).toMatch(/Tests\s+\d+ passed/);
    expect(output).not.toMatch(/\d+ failed/);

    // The lint and example checks `pnpm test` runs accept every spec the generator accepted.
    const checked = await pnpm([
      "--filter",
      "@auth/scripts",
      "exec",
      "node",
      "--import",
      "tsx",
      "src/specs/check-specs.ts",
    ]);
    mark("check-specs");
    expect(checked.stdout).toContain(`check-specs: ${SHAPES.length + 4} specs lint clean`);

    const demo = await run(process.execPath, [path.join(root, "examples/dist/demo.js")], {
      cwd: root,
    });
    mark("the demo");
    for (const shape of SHAPES) expect(demo.stdout).toMatch(new RegExp(`^${shape}\\s`, "m"));
    expect(demo.stdout).toContain("Every caller got a valid token");

    // What a user commits: the new specs, generated output, the provider lists in two manifests and
    // the lockfile. Nothing hand-written changed.
    const after = await snapshot(root);
    const touched = [...after.keys()].filter((file) => before.get(file) !== after.get(file));
    const allowed = [
      /^specs\/[a-z0-9-]+\.yaml$/,
      new RegExp(`^packages/(${SHAPES.join("|")})/`),
      /^packages\/sandbox\/(src|test)\/[a-z-]+\.gen\.ts$/,
      /^examples\/src\/providers\.gen\.ts$/,
      /^(packages\/sandbox|examples)\/package\.json$/,
      /^pnpm-lock\.yaml$/,
      /^\.changeset\/generated-[a-z0-9-]+\.md$/,
    ];
    expect(touched.filter((file) => !allowed.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(touched).toContain("pnpm-lock.yaml");
  }, 600_000);
});
