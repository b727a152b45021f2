import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { pnpmCommand } from "../src/pnpm.ts";
import { readReleaseConfig } from "../src/release/config.ts";
import { publishableManifests, releaseRegistry } from "../src/release/release-guard.ts";
import { startVerdaccio, type Verdaccio } from "./verdaccio.ts";
import { copyWorkspace } from "./workspace.ts";

/**
 * The release path as a maintainer runs it, into a real registry: a scratch copy of the
 * workspace whose one edit is the release scope (plus the registry and its token in `.npmrc`),
 * `pnpm version-packages`, `pnpm release`, then a fresh npm project and a fresh pnpm project that
 * install a provider by name and get a token from the published sandbox. The registry is a
 * throwaway Verdaccio on 127.0.0.1 with no uplink: nothing can reach, or come from, anywhere else.
 */
const run = promisify(execFile);
const PNPM = pnpmCommand();
const SCOPE = "@release-test";
const PROVIDER = "alternative-payments";

/**
 * The environment without the npm/pnpm settings of whoever started the suite, nor a forced turbo
 * (`TURBO_FORCE`, as `pnpm bench` times the suite): the scratch workspace keeps its own cache, as
 * a maintainer's checkout does, so the rerun below finds its build done.
 */
const cleanEnv = (): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(npm_config_|pnpm_config_|TURBO_FORCE$)/i.test(key),
    ),
  ),
  TURBO_TELEMETRY_DISABLED: "1",
  FORCE_COLOR: "0",
  NO_COLOR: "1",
  CI: "true",
});

interface Ran {
  stdout: string;
  stderr: string;
}
const exec = (command: string, args: string[], cwd: string, env = cleanEnv()): Promise<Ran> =>
  run(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string; stderr?: string; message?: string }) => {
      throw new Error(
        `${path.basename(command)} ${args.join(" ")} failed:\n${error.stdout ?? ""}\n${error.stderr ?? error.message ?? ""}`,
      );
    },
  );
const pnpm = (args: string[], cwd: string, env?: NodeJS.ProcessEnv) =>
  exec(PNPM.command, [...PNPM.prefix, ...args], cwd, env);

let registry: Verdaccio;
let work: string;
let scratch: string;
const timeline: [string, number][] = [];
const started = performance.now();
const mark = (step: string) => timeline.push([step, Math.round(performance.now() - started)]);

/**
 * What the published packages need from elsewhere (openapi-fetch and its one dependency), copied
 * from this workspace's install into the registry, so the consumers install from it alone.
 */
async function publishThirdParty(userconfig: string): Promise<void> {
  const providerModules = path.join(REPO_ROOT, "packages", PROVIDER, "node_modules");
  const pending = [path.join(providerModules, "openapi-fetch")];
  const done = new Set<string>();
  while (pending.length > 0) {
    const dir = await realpath(pending.pop()!);
    if (done.has(dir)) continue;
    done.add(dir);
    const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as {
      name: string;
      dependencies?: Record<string, string>;
    };
    // pnpm's layout: a package's dependencies are its siblings.
    const modules = path.resolve(dir, ...manifest.name.split("/").map(() => ".."));
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      pending.push(path.join(modules, dependency));
    const copy = path.join(work, "third-party", manifest.name);
    await cp(dir, copy, { recursive: true, dereference: true });
    // Published as installed, without its own scripts and publishing settings (provenance).
    await writeFile(
      path.join(copy, "package.json"),
      JSON.stringify({ ...manifest, scripts: undefined, publishConfig: undefined }),
    );
    await exec(
      "npm",
      ["publish", copy, "--registry", registry.url, "--userconfig", userconfig, "--ignore-scripts"],
      work,
    );
  }
}

beforeAll(async () => {
  registry = await startVerdaccio();
  work = await mkdtemp(path.join(tmpdir(), "auth-release-test-"));
  scratch = path.join(work, "workspace");
  await copyWorkspace(scratch);
  const host = registry.url.replace(/^http:/, "");
  const userconfig = path.join(work, "npmrc");
  await writeFile(userconfig, `${host}:_authToken=${registry.token}\n`);
  await publishThirdParty(userconfig);
  // The maintainer's edits: the scope (one field), the registry and its token.
  const manifestPath = path.join(scratch, "package.json");
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Record<string, unknown>;
  await writeFile(
    manifestPath,
    `${JSON.stringify({ ...manifest, release: { scope: SCOPE } }, null, 2)}\n`,
  );
  await writeFile(
    path.join(scratch, ".npmrc"),
    `${SCOPE}:registry=${registry.url}\n${host}:_authToken=${registry.token}\n`,
  );
  await pnpm(["install", "--frozen-lockfile", "--prefer-offline"], scratch);
  await pnpm(["set-repository", "https://github.com/example/auth-sdks"], scratch);
  mark("workspace copied and installed, third-party packages in the registry");
}, 600_000);

afterAll(async () => {
  console.log(
    `release test timeline (ms since start):\n${timeline.map(([step, ms]) => `  ${String(ms).padStart(7)}  ${step}`).join("\n")}`,
  );
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("a release into a real registry (Verdaccio on 127.0.0.1, no uplink)", () => {
  it("targets the loopback registry, and the guard refuses it for an unconfirmed scope", async () => {
    const config = await readReleaseConfig(scratch);
    expect(config).toEqual({ scope: SCOPE });
    // Asserted before anything is published: the target is this test's registry.
    expect(await releaseRegistry(config, scratch, cleanEnv())).toBe(registry.url);
    const refused = await pnpm(["release"], scratch).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(refused).toContain(`would be published to ${registry.url}`);
    expect(refused).toContain(`release refused: confirm that you own the npm scope ${SCOPE}`);
    expect(await fetch(`${registry.url}${SCOPE.replace("/", "%2f")}%2fcore`)).toHaveProperty(
      "status",
      404,
    );
  }, 120_000);

  it("versions with changesets, publishes with `pnpm release`, and a rerun publishes nothing twice", async () => {
    const before = await publishableManifests(scratch);
    await pnpm(["version-packages"], scratch);
    mark("pnpm version-packages");
    const after = await publishableManifests(scratch);
    for (const manifest of after) {
      const changelog = await readFile(path.join(manifest.dir, "CHANGELOG.md"), "utf8");
      expect(changelog, manifest.name).toMatch(/^# @auth\//);
    }
    expect(after.map((m) => m.version)).not.toEqual(before.map((m) => m.version));

    const released = await pnpm(["release"], scratch, { ...cleanEnv(), RELEASE_SCOPE: SCOPE });
    mark("pnpm release (guard, build, stage, publish)");
    expect(released.stdout).toContain(`would be published to ${registry.url}`);
    for (const { name, version } of after) {
      const published = `${SCOPE}/${name.split("/")[1]}@${version}`;
      expect(released.stdout).toContain(`New tag: ${published}`);
    }
    const again = await pnpm(["release"], scratch, { ...cleanEnv(), RELEASE_SCOPE: SCOPE });
    expect(again.stdout).toContain(`published 0 of ${after.length} packages`);
  }, 900_000);

  it("publishes manifests a user can install: no workspace: ranges or scripts, LICENSE, CHANGELOG, repository, the scope everywhere", async () => {
    const internal = (await publishableManifests(scratch)).map((m) => m.name);
    for (const { name: internalName, version } of await publishableManifests(scratch)) {
      const name = `${SCOPE}/${internalName.split("/")[1]}`;
      const response = await fetch(`${registry.url}${name.replace("/", "%2f")}`);
      expect(response.status, name).toBe(200);
      const document = (await response.json()) as {
        versions: Record<string, Record<string, unknown> & { dist: { tarball: string } }>;
      };
      const manifest = document.versions[version]!;
      expect(manifest, name).toBeDefined();
      expect(manifest.scripts, name).toBeUndefined();
      expect(JSON.stringify(manifest), name).not.toContain("workspace:");
      expect(manifest.repository, name).toMatchObject({
        url: expect.stringContaining("github.com/example/auth-sdks"),
      });
      for (const dependency of Object.keys({
        ...(manifest.dependencies as object),
        ...(manifest.peerDependencies as object),
      }))
        expect(internal, `${name} depends on ${dependency}`).not.toContain(dependency);

      const tarball = path.join(work, `${internalName.split("/")[1]}.tgz`);
      await writeFile(
        tarball,
        Buffer.from(await (await fetch(manifest.dist.tarball)).arrayBuffer()),
      );
      const listing = (await exec("tar", ["-tzf", tarball], work)).stdout.split("\n");
      for (const file of ["LICENSE", "README.md", "CHANGELOG.md", "package.json"])
        expect(listing, `${name}: ${file}`).toContain(`package/${file}`);
      const unpacked = path.join(work, "unpacked", internalName.split("/")[1]!);
      await mkdir(unpacked, { recursive: true });
      await exec("tar", ["-xzf", tarball, "-C", unpacked], work);
      const leftover = await exec(
        "grep",
        ["-rlE", `(${internal.join("|")})([^a-z0-9_-]|$)`, unpacked],
        work,
      ).then(
        (result) => result.stdout,
        () => "",
      );
      expect(leftover, `${name} still names the workspace's packages`).toBe("");
    }
  }, 120_000);

  const consumer = `
import { AuthError, createAuth } from "${SCOPE}/${PROVIDER}";
import { AuthError as CoreAuthError } from "${SCOPE}/core";
import { startSandbox } from "${SCOPE}/sandbox";
import { createRequire } from "node:module";
const id = "${PROVIDER}";
const sandbox = await startSandbox({ providers: [id] });
try {
  const auth = createAuth({ ...sandbox.credentials[id], baseUrl: sandbox.baseUrls[id] });
  const token = await auth.getToken();
  await auth.getToken();
  const tokenRequests = sandbox.stats[id].tokenRequests;
  const required = createRequire(import.meta.url)("${SCOPE}/${PROVIDER}");
  const wrong = createAuth({ ...sandbox.credentials[id], clientSecret: "wrong", baseUrl: sandbox.baseUrls[id] });
  const failure = await wrong.getToken().catch((error) => error);
  console.log(JSON.stringify({
    tokenType: token.tokenType,
    hasToken: token.accessToken.length > 0,
    tokenRequests,
    oneCore: AuthError === CoreAuthError,
    required: typeof required.createAuth,
    failure: failure instanceof CoreAuthError ? failure.code : String(failure),
  }));
} finally {
  await sandbox.close();
}
`;

  const expectWorks = async (project: string) => {
    await writeFile(path.join(project, "consumer.mjs"), consumer);
    const { stdout } = await exec(process.execPath, ["consumer.mjs"], project);
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
      tokenType: "Bearer",
      hasToken: true,
      tokenRequests: 1,
      oneCore: true,
      required: "function",
      failure: "invalid_credentials",
    });
    // Installed by name from the registry: nothing under the workspace's scope came along.
    expect(await readdir(path.join(project, "node_modules"))).not.toContain("@auth");
  };

  const freshProject = async (name: string) => {
    const project = path.join(work, name);
    await mkdir(project);
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name, private: true, type: "module" }),
    );
    // The registry is the only one: a name it does not hold fails the install.
    await writeFile(path.join(project, ".npmrc"), `registry=${registry.url}\n`);
    return project;
  };

  // The same promise for both package managers; each installs as its users would.
  const install = {
    npm: (project: string) =>
      exec(
        "npm",
        [
          "install",
          `${SCOPE}/${PROVIDER}`,
          `${SCOPE}/sandbox`,
          "--no-audit",
          "--no-fund",
          "--cache",
          path.join(work, "npm-cache"),
        ],
        project,
      ),
    pnpm: (project: string) =>
      pnpm(
        [
          "add",
          `${SCOPE}/${PROVIDER}`,
          `${SCOPE}/sandbox`,
          // pnpm links only direct dependencies: the consumer imports core itself.
          `${SCOPE}/core`,
          "--store-dir",
          path.join(work, "pnpm-store"),
        ],
        project,
      ),
  };

  it.each(["npm", "pnpm"] as const)(
    "installs a provider by name in a fresh %s project, and it gets a token from the published sandbox",
    async (tool) => {
      const project = await freshProject(`${tool}-consumer`);
      await install[tool](project);
      mark(`${tool} install by name`);
      await expectWorks(project);
      mark(`first token (${tool} project)`);
    },
    300_000,
  );
});
