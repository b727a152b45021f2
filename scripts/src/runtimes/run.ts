import { execFile, spawn } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { build } from "esbuild";
import { chromium as launcher } from "playwright-core";
import {
  access,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { pnpmCommand } from "../pnpm.ts";
import { REPO_ROOT } from "../paths.ts";
import { createCompiler } from "../../bin/compile.mjs";
import { MTLS_CLIENT, startMtlsServer } from "./mtls.ts";

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
const WORKERD_VERSION = "1.20261117.1";
const JEST_VERSION = "30.5.2";
const UNDICI_VERSION = "6.24.1";
const AXIOS_VERSION = "1.21.1";
const KY_VERSION = "1.9.1";
const CHROMIUM = "/usr/bin/chromium";
/** A date before workerd rejected (rather than hung on) promises from requests that have ended. */
const OLD_COMPATIBILITY_DATE = "2021-11-03";
const PNPM = pnpmCommand();
const progress = (line: string) => process.stderr.write(`runtimes: ${line}\n`);
/**
 * TypeScript 5.9.3 (the workspace's), one process for every type check and compile below: the
 * consumer under three resolutions and the two CommonJS builds.
 */
const compile = createCompiler();

type Cell = "pass" | `fail: ${string}` | `skipped: ${string}`;

/**
 * npm, preferring its cache: once a first run has cached the runtimes and tools, the matrix needs
 * no registry (npm asks only for what its cache lacks).
 */
async function npm(cwd: string, args: string[]): Promise<void> {
  await run("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
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
      await run(PNPM.command, [...PNPM.prefix, "pack", "--pack-destination", tarballs], {
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
            // For clients.mjs: authFetch as ky's fetch, and the axios recipe.
            axios: AXIOS_VERSION,
            ky: KY_VERSION,
            // For mtls-check.mjs on Node: undici's fetch with a client-certificate Agent.
            undici: UNDICI_VERSION,
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
    await copyFile(path.join(here, "clients.mjs"), path.join(consumer, "clients.mjs"));
    for (const file of ["assertion-check.mjs", "mtls-check.mjs"])
      await copyFile(path.join(here, file), path.join(consumer, file));
    // The recipe as users copy it, made JavaScript; its imports resolve in the consumer.
    await build({
      entryPoints: [path.join(REPO_ROOT, "examples/src/recipes/axios.ts")],
      bundle: true,
      packages: "external",
      format: "esm",
      platform: "node",
      outfile: path.join(consumer, "axios-recipe.mjs"),
      logLevel: "silent",
    });

    const table = new Map<string, Record<string, Cell>>();
    // publint and attw on these same tarballs (`pnpm pack`) are each package's `lint` task
    // (scripts/bin/lint-package.mjs), which `pnpm test` runs: not repeated here.
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
    // A client certificate, presented the way each runtime's fetch takes one (README, mTLS).
    const mtls = await startMtlsServer();
    const mtlsCheck = async (runtime: string, executable: string, flags: string[] = []) => {
      progress(`client certificate (mTLS) on ${runtime}…`);
      const row = table.get(runtime) ?? {};
      try {
        const { stdout } = await run(executable, [...flags, "mtls-check.mjs"], {
          cwd: consumer,
          timeout: 120_000,
          env: {
            ...process.env,
            MTLS_URL: mtls.url,
            MTLS_DIR: mtls.dir,
            MTLS_CLIENT_ID: MTLS_CLIENT.clientId,
            MTLS_CLIENT_SECRET: MTLS_CLIENT.clientSecret,
          },
        });
        Object.assign(row, JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, Cell>);
      } catch (error) {
        const message =
          (error as { stderr?: string; message: string }).stderr || (error as Error).message;
        row["client certificate (mTLS)"] =
          `fail: ${message.trim().split("\n").slice(-3).join(" ")}`;
      }
      table.set(runtime, row);
    };

    await scenario(`node ${process.versions.node} (this machine)`, process.execPath);
    await mtlsCheck(`node ${process.versions.node} (this machine)`, process.execPath);
    progress("fetch clients (ky + authFetch, the axios recipe)…");
    table.set(
      "fetch clients on this node",
      await run(process.execPath, ["clients.mjs"], { cwd: consumer, timeout: 120_000 }).then(
        ({ stdout }) => JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, Cell>,
        (error: { stderr?: string; message: string }) => ({
          scenario:
            `fail: ${(error.stderr || error.message).trim().split("\n").slice(-3).join(" ")}` as Cell,
        }),
      ),
    );
    for (const version of NODE_VERSIONS) {
      const tools = await installTools(work, `node-${version}`, [`node@${version}`]);
      if (typeof tools !== "string") table.set(`node ${version}`, { scenario: tools.skipped });
      else await scenario(`node ${version}`, path.join(tools, "node_modules/node/bin/node"));
    }

    // Bun and Deno from their npm packages, which ship the real binaries.
    const others = await installTools(work, "bun-deno", [
      `bun@${BUN_VERSION}`,
      `deno@${DENO_VERSION}`,
    ]);
    if (typeof others !== "string") {
      table.set(`bun ${BUN_VERSION}`, { scenario: others.skipped });
      table.set(`deno ${DENO_VERSION}`, { scenario: others.skipped });
    } else {
      const denoFlags = [
        "run",
        "--allow-net=127.0.0.1",
        "--allow-env",
        "--allow-read",
        "--allow-sys",
      ];
      const bun = path.join(others, "node_modules/.bin/bun");
      const deno = path.join(others, "node_modules/.bin/deno");
      await scenario(`bun ${BUN_VERSION}`, bun);
      await mtlsCheck(`bun ${BUN_VERSION}`, bun);
      await scenario(`deno ${DENO_VERSION}`, deno, denoFlags);
      await mtlsCheck(`deno ${DENO_VERSION}`, deno, denoFlags);
    }
    for (const [runtime, row] of await commonJs(work, tarball)) table.set(runtime, row);
    table.set(`workerd ${WORKERD_VERSION}`, await workerd(work, consumer, mtls));
    // Every certified check reached the server with its certificate verified, and only those.
    const certified = [...table.values()].filter(
      (row) => row["client certificate (mTLS)"] === "pass",
    ).length;
    if (mtls.issued() !== certified)
      table.set("mTLS server", {
        "client certificate (mTLS)": `fail: ${mtls.issued()} verified token requests for ${certified} passing checks`,
      });
    await mtls.close();
    table.set("chromium (headless)", await chromium(work, consumer));

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
      const result = compile(path.join(consumer, config));
      types[name] = result.ok
        ? "pass"
        : `fail: ${result.output.trim().split("\n").slice(0, 3).join(" ")}`;
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

/**
 * CommonJS consumers, in a project without `"type": "module"`, from the same tarballs:
 * - jest 30 with its default configuration and a CommonJS test file (cjs/auth.test.js): jest's
 *   module runtime takes the `require` branch of the manifests, the dist/cjs copy;
 * - TypeScript compiling cjs/consumer.ts to CommonJS, under `module: node16` and under
 *   `module: commonjs` (node10 resolution), `skipLibCheck: false`; each output then runs on this
 *   Node, where `require()` takes the `module-sync` branch (the ES modules, one instance).
 */
async function commonJs(
  work: string,
  tarball: (name: string) => string,
): Promise<[string, Record<string, Cell>][]> {
  progress("installing a CommonJS project (the tarballs, @types/node)…");
  const dir = path.join(work, "cjs-consumer");
  await mkdir(dir);
  await writeFile(
    path.join(dir, "package.json"),
    JSON.stringify({
      name: "cjs-consumer",
      private: true,
      dependencies: {
        ...Object.fromEntries(PACKAGES.map((name) => [`@auth/${name}`, tarball(name)])),
        "openapi-fetch": "0.17.0",
        "@types/node": "20.19.43",
      },
      overrides: { "@auth/core": tarball("core") },
    }),
  );
  const failed = (error: unknown): Cell => {
    const { stdout, stderr, message } = error as {
      stdout?: string;
      stderr?: string;
      message: string;
    };
    return `fail: ${(stderr || stdout || message).trim().split("\n").slice(-4).join(" ")}`;
  };
  try {
    await npm(dir, ["install"]);
  } catch (error) {
    return [[`jest ${JEST_VERSION} (CommonJS)`, { install: failed(error) }]];
  }
  await copyFile(path.join(here, "cjs/auth.test.js"), path.join(dir, "auth.test.js"));
  await copyFile(path.join(here, "cjs/consumer.ts"), path.join(dir, "consumer.ts"));

  // jest itself comes from the tool cache; the test file's require()s resolve in this project.
  const jestTools = await installTools(work, "jest", [`jest@${JEST_VERSION}`]);
  if (typeof jestTools !== "string")
    return [[`jest ${JEST_VERSION} (CommonJS)`, { scenario: jestTools.skipped }]];
  progress(`jest ${JEST_VERSION} with a CommonJS test file…`);
  const jest: Record<string, Cell> = {};
  try {
    await run(
      process.execPath,
      [
        path.join(jestTools, "node_modules/jest/bin/jest.js"),
        "--ci",
        "--json",
        "--outputFile=jest.json",
      ],
      {
        cwd: dir,
        timeout: 180_000,
      },
    );
  } catch (error) {
    // Failing tests are read from the report below; no report at all is the failure itself.
    if (
      !(await access(path.join(dir, "jest.json")).then(
        () => true,
        () => false,
      ))
    )
      return [[`jest ${JEST_VERSION} (CommonJS)`, { scenario: failed(error) }]];
  }
  const report = JSON.parse(await readFile(path.join(dir, "jest.json"), "utf8")) as {
    testResults: {
      message: string;
      assertionResults: { title: string; status: string; failureMessages: string[] }[];
    }[];
  };
  for (const file of report.testResults) {
    if (file.assertionResults.length === 0)
      jest.scenario = `fail: ${file.message.split("\n").slice(0, 3).join(" ")}`;
    for (const test of file.assertionResults)
      jest[test.title] =
        test.status === "passed"
          ? "pass"
          : `fail: ${(test.failureMessages[0] ?? test.status).split("\n")[0]}`;
  }
  if (Object.keys(jest).length === 0) jest.scenario = "fail: jest ran no test";

  const ts: Record<string, Cell> = {};
  for (const [name, module, resolution] of [
    ["module node16", "node16", "node16"],
    ["module commonjs (node10)", "commonjs", "node10"],
  ] as const) {
    progress(`TypeScript to CommonJS (${name})…`);
    const outDir = `out-${module}`;
    await writeFile(
      path.join(dir, `tsconfig.${module}.json`),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          skipLibCheck: false,
          target: "es2022",
          lib: ["es2022", "dom"],
          types: ["node"],
          module,
          moduleResolution: resolution,
          outDir,
        },
        files: ["consumer.ts"],
      }),
    );
    try {
      const compiled = compile(path.join(dir, `tsconfig.${module}.json`));
      if (!compiled.ok) {
        ts[name] = `fail: ${compiled.output.trim().split("\n").slice(0, 3).join(" ")}`;
        continue;
      }
      const { stdout } = await run(process.execPath, [path.join(outDir, "consumer.js")], {
        cwd: dir,
        timeout: 60_000,
      });
      const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { ok: boolean };
      ts[name] = result.ok ? "pass" : `fail: ${stdout.trim()}`;
    } catch (error) {
      ts[name] = failed(error);
    }
  }
  return [
    [`jest ${JEST_VERSION} (CommonJS)`, jest],
    ["TypeScript → CommonJS, run on this node", ts],
  ];
}

/**
 * workerd (Cloudflare's runtime, from its npm package): the worker bundled from the installed
 * tarballs, the sandbox from the installed @auth/sandbox, 4 s tokens. A background refresh either
 * handed to `ctx.waitUntil` (kept) or not (cancelled when its request ends, which used to poison
 * the manager for every later request).
 */
async function workerd(
  work: string,
  consumer: string,
  mtls: { url: string; dir: string },
): Promise<Record<string, Cell>> {
  progress("scenario on workerd…");
  const tools = await installTools(work, "workerd", [`workerd@${WORKERD_VERSION}`]);
  if (typeof tools !== "string") return { scenario: tools.skipped };
  // The worker and its config are this run's; the tools directory may be the shared cache.
  const dir = path.join(work, "workerd-config");
  await mkdir(dir);
  await build({
    entryPoints: [path.join(here, "worker.mjs")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    outfile: path.join(dir, "worker.js"),
    nodePaths: [path.join(consumer, "node_modules")],
    mainFields: ["module", "main"],
    conditions: ["worker", "browser"],
    logLevel: "silent",
  });
  const { startSandbox } = await installedSandbox(consumer);
  const sandbox = await startSandbox({
    providers: ["alternative-payments"],
    settings: { lifetimeSeconds: 4 },
  });
  const credentials = sandbox.credentials["alternative-payments"];
  // The mTLS binding: an external service that presents the client certificate (and one that
  // presents none), as Cloudflare's mtls_certificates binding does for a deployed worker.
  for (const file of ["ca.crt", "client.crt", "client.key"])
    await copyFile(path.join(mtls.dir, file), path.join(dir, `mtls-${file}`));
  const mtlsAddress = new URL(mtls.url).host;
  const bank = (name: string, certified: boolean) =>
    `(name = "${name}", external = (address = "${mtlsAddress}", https = (tlsOptions = (${certified ? 'keypair = (privateKey = embed "mtls-client.key", certificateChain = embed "mtls-client.crt"), ' : ""}trustedCertificates = [ embed "mtls-ca.crt" ]), certificateHost = "localhost")))`;
  const port = await freePort();
  const oldPort = await freePort();
  /** One worker of the config: the bundled worker, on a compatibility date, with the sandbox's data. */
  const workerBlock = (
    name: string,
    compatibilityDate: string,
  ) => `const ${name} :Workerd.Worker = (
  modules = [ (name = "worker", esModule = embed "worker.js") ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [
    (name = "TOKEN_URL", text = "${sandbox.baseUrls["alternative-payments"]}"),
    (name = "CLIENT_ID", text = "${credentials.clientId}"),
    (name = "CLIENT_SECRET", text = "${credentials.clientSecret}"),
    (name = "BANK", service = "bank"),
    (name = "BANK_WITHOUT_CERTIFICATE", service = "bankWithoutCertificate"),
    (name = "MTLS_CLIENT_ID", text = "${MTLS_CLIENT.clientId}"),
    (name = "MTLS_CLIENT_SECRET", text = "${MTLS_CLIENT.clientSecret}"),
  ],
  globalOutbound = "loopback",
);`;
  await writeFile(
    path.join(dir, "config.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "old", worker = .oldWorker),
    (name = "loopback", network = (allow = ["local"])),
    ${bank("bank", true)},
    ${bank("bankWithoutCertificate", false)},
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:${port}", http = (), service = "main"),
    (name = "old", address = "127.0.0.1:${oldPort}", http = (), service = "old"),
  ],
);
${workerBlock("worker", "2025-09-01")}
# The same worker on an old compatibility date, where a promise from an ended request hangs in
# every other request instead of rejecting.
${workerBlock("oldWorker", OLD_COMPATIBILITY_DATE)}
`,
  );
  const server = spawn(path.join(tools, "node_modules/.bin/workerd"), ["serve", "config.capnp"], {
    cwd: dir,
    stdio: "ignore",
  });
  type Answer = { ok: boolean; token?: string; error?: string };
  // Bounded: a request workerd never answers must fail this row, not hang the matrix.
  const call = async (query: string, at = port): Promise<Answer> =>
    (
      await fetch(`http://127.0.0.1:${at}/?${query}`, { signal: AbortSignal.timeout(20_000) })
    ).json() as Promise<Answer>;
  /** A call that may hang (or be ended by workerd): its outcome, or why it has none, within 4 s. */
  const attempt = (query: string, at: number): Promise<Answer> =>
    fetch(`http://127.0.0.1:${at}/?${query}`, { signal: AbortSignal.timeout(4_000) }).then(
      async (response) =>
        response.ok
          ? ((await response.json()) as Answer)
          : { ok: false, error: `HTTP ${response.status}` },
      (error: Error) => ({ ok: false, error: error.name }),
    );
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const results: Record<string, Cell> = {};
  try {
    for (let i = 0; ; i++) {
      const up = await call("m=probe").then(
        () => true,
        () => false,
      );
      if (up) break;
      if (i > 100) throw new Error("workerd did not start");
      await sleep(100);
    }
    const signed = await call("assertion");
    results["signed assertion (Web Crypto)"] = signed.ok ? "pass" : `fail: ${signed.error}`;
    const certified = await call("mtls");
    results["client certificate (mTLS)"] = certified.ok ? "pass" : `fail: ${certified.error}`;
    const [a1, b1] = await Promise.all([call("m=a"), call("m=b")]);
    results.token = a1.ok && b1.ok ? "pass" : `fail: ${a1.error ?? b1.error}`;
    await sleep(2_600); // inside the refresh window: each call starts a background refresh
    await Promise.all([call("m=a&waitUntil"), call("m=b")]);
    await sleep(500);
    const a2 = await call("m=a");
    results["waitUntil keeps a background refresh"] =
      a2.ok && a2.token !== a1.token
        ? "pass"
        : `fail: ${a2.error ?? "the refresh did not complete"}`;
    await sleep(1_500); // b's token has expired; its background refresh died with its request
    const b2 = await call("m=b");
    results["recovers a refresh lost with its request"] =
      b2.ok && b2.token !== b1.token ? "pass" : `fail: ${b2.error ?? "no new token"}`;

    // Old compatibility date: the lost refresh never settles. Callers already waiting on it are
    // held (or ended by workerd); once it is older than any live refresh, the next caller recovers.
    const c1 = await attempt("m=c&short", oldPort);
    await sleep(2_600);
    await attempt("m=c&short", oldPort); // served from cache; starts a background refresh that is lost
    const lostAt = Date.now();
    await sleep(1_500);
    const held = await attempt("m=c&short", oldPort); // expired token: waits on the lost refresh
    progress(
      `workerd ${OLD_COMPATIBILITY_DATE}: a caller during the lost refresh got ${held.ok ? "a token" : held.error}`,
    );
    // Past the longest a live refresh can take with this retry budget (2 × 2.5 s).
    await sleep(Math.max(0, lostAt + 5_500 - Date.now()));
    const c2 = await attempt("m=c&short", oldPort);
    results[
      `recovers a refresh that never settles (compatibility date ${OLD_COMPATIBILITY_DATE})`
    ] =
      c1.ok && c2.ok && c2.token !== c1.token
        ? "pass"
        : `fail: ${c1.error ?? c2.error ?? "no new token"}`;
  } catch (error) {
    results.scenario = `fail: ${(error as Error).message}`;
  } finally {
    // SIGKILL: a request held by the lost refresh keeps workerd draining forever on SIGTERM.
    server.kill("SIGKILL");
    await sandbox.close();
  }
  return results;
}

/**
 * Headless Chromium (Debian's, driven by playwright-core, which downloads no browser): a page on one
 * loopback origin, bundled from the installed tarballs, talking to the sandbox on another (CORS).
 */
async function chromium(work: string, consumer: string): Promise<Record<string, Cell>> {
  progress("scenario in headless Chromium…");
  if (
    !(await access(CHROMIUM).then(
      () => true,
      () => false,
    ))
  )
    return {
      scenario: `skipped: ${CHROMIUM} is not installed (Debian: apt-get install chromium; .ci/run installs it)`,
    };
  const dir = path.join(work, "chromium");
  await mkdir(dir);
  await build({
    entryPoints: [path.join(here, "browser.mjs")],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: path.join(dir, "bundle.js"),
    nodePaths: [path.join(consumer, "node_modules")],
    logLevel: "silent",
  });
  const page = `<!doctype html><meta charset="utf-8"><title>@auth in a browser</title><script type="module" src="/bundle.js"></script>`;
  const bundle = await readFile(path.join(dir, "bundle.js"));
  const site = createHttpServer((request, response) => {
    const script = request.url === "/bundle.js";
    response.writeHead(200, { "content-type": script ? "text/javascript" : "text/html" });
    response.end(script ? bundle : page);
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const { startSandbox } = await installedSandbox(consumer);
  const sandbox = await startSandbox({ providers: ["alternative-payments"] });
  const config = {
    credentials: sandbox.credentials["alternative-payments"],
    baseUrl: sandbox.baseUrls["alternative-payments"],
  };
  const stats = () => sandbox.stats["alternative-payments"];
  const browser = await launcher.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const results: Record<string, Cell> = {};
  const check = async (name: string, run: () => Promise<string | undefined>) => {
    try {
      const failure = await run();
      results[name] = failure === undefined ? "pass" : `fail: ${failure}`;
    } catch (error) {
      results[name] = `fail: ${(error as Error).message.split("\n")[0]}`;
    }
  };
  try {
    const tab = await browser.newPage();
    await tab.goto(origin);
    await tab.waitForFunction(() => "scenario" in globalThis);
    type Scenario = Record<string, (config: unknown) => Promise<unknown>>;
    const step = (name: string) =>
      tab.evaluate(
        ([name, config]) =>
          (globalThis as unknown as { scenario: Scenario }).scenario[name as string]!(config),
        [name, config] as const,
      );
    await check("token", async () =>
      (await step("token")) === true ? undefined : "no usable token",
    );
    await check("cache hit", async () =>
      stats().tokenRequests === 1 ? undefined : `${stats().tokenRequests} token requests`,
    );
    sandbox.revokeTokens("alternative-payments");
    await check("401 replay", async () => {
      const status = await step("replay");
      return status === 200 && stats().tokenRequests === 2
        ? undefined
        : `status ${String(status)}, ${stats().tokenRequests} token requests`;
    });
    await check("typed bad credentials", async () => {
      const code = await step("badCredentials");
      return code === "invalid_credentials" ? undefined : `got ${String(code)}`;
    });
    await check("signed assertion (Web Crypto)", async () => {
      const outcome = await step("assertion");
      return outcome === "pass" ? undefined : String(outcome);
    });
  } finally {
    await browser.close();
    await sandbox.close();
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  }
  return results;
}

/**
 * Where installed runtimes and tools are kept between runs: the workspace's own `node_modules/.cache`
 * (ignored by git, gone with `node_modules`). Each entry is one exact set of pinned versions (a
 * Node binary, Bun and Deno, workerd, jest), installed by npm once and then reused read-only, so a
 * rerun does not unpack about 0.9 GB again (about 30 s of CPU here). Nothing under test is cached:
 * the packages' tarballs and the projects that install them are made fresh on every run.
 */
const TOOL_CACHE = path.join(REPO_ROOT, "node_modules/.cache/auth-runtimes");

/**
 * The directory holding `packages` (exact versions) installed with npm, from the tool cache or
 * installed into it now, or why they could not be had (reported as skipped). A partial install
 * never enters the cache: npm installs into a directory of this run, which is renamed into place
 * only once npm has succeeded.
 */
async function installTools(
  work: string,
  name: string,
  packages: string[],
): Promise<string | { skipped: Cell }> {
  const cached = path.join(TOOL_CACHE, packages.join("+").replace(/[^a-z0-9@.+-]/gi, "_"));
  if (
    await access(path.join(cached, "node_modules")).then(
      () => true,
      () => false,
    )
  ) {
    progress(`${packages.join(", ")} from the tool cache (${path.relative(REPO_ROOT, cached)})`);
    return cached;
  }
  const dir = path.join(work, name);
  await mkdir(dir);
  await writeFile(path.join(dir, "package.json"), '{"private":true}');
  try {
    await npm(dir, ["install", ...packages]);
  } catch (error) {
    return {
      skipped: `skipped: npm could not install ${packages.join(", ")} (${(error as Error).message.split("\n")[0]})`,
    };
  }
  await mkdir(TOOL_CACHE, { recursive: true });
  // Another run may have cached the same set meanwhile: theirs is kept, and this one used.
  return rename(dir, cached).then(
    () => cached,
    () => dir,
  );
}

/** The sandbox from the installed @auth/sandbox tarball, not the workspace's. */
function installedSandbox(consumer: string): Promise<typeof import("@auth/sandbox")> {
  return import(
    pathToFileURL(path.join(consumer, "node_modules/@auth/sandbox/dist/index.js")).href
  );
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

await main();
