import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import {
  publishableNames,
  releaseProblem,
  releaseRegistry,
  targetRegistry,
} from "../src/release/release-guard.ts";

const AUTH = "@auth";

describe("release guard", () => {
  it("refuses the @auth scope, which belongs to Auth.js, and says where the scope is set", () => {
    expect(releaseProblem([`${AUTH}/core`, `${AUTH}/enkash`], AUTH, AUTH)).toMatch(
      /belongs to Auth\.js.*"release": \{ "scope": "@your-scope" \}.*pnpm rescope @your-scope/,
    );
  });

  it("needs the owner's confirmation of the configured scope, and one workspace scope", () => {
    const names = [`${AUTH}/core`, `${AUTH}/enkash`];
    expect(releaseProblem(names, "@acme", undefined)).toMatch(/RELEASE_SCOPE=@acme/);
    expect(releaseProblem(names, "@acme", "@other")).toMatch(/RELEASE_SCOPE is @other/);
    expect(releaseProblem([`${AUTH}/core`, "@other/enkash"], "@acme", "@acme")).toMatch(
      /several scopes/,
    );
    expect(releaseProblem(names, "@acme", "@acme")).toBeUndefined();
  });

  it("runs first in `pnpm release`, and refuses this repository without a confirmed scope", async () => {
    const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.release).toMatch(
      /^pnpm --filter \S+ exec node --import tsx src\/release\/release-guard\.ts && /,
    );
    expect((await publishableNames()).length).toBeGreaterThanOrEqual(6);
    // The guard alone: never `pnpm release`, which would go on to publish if the guard were broken.
    const env = { ...process.env };
    delete env.RELEASE_SCOPE;
    const result = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "src/release/release-guard.ts"],
      { cwd: path.join(REPO_ROOT, "scripts"), env },
    ).then(
      () => ({ code: 0, stderr: "", stdout: "" }),
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("release refused");
    // Where it would publish, printed first (here: the registry of the scope, via npm's config).
    expect(result.stdout).toMatch(
      new RegExp(
        `^release: \\d+ packages \\(@auth/alternative-payments, .*\\) would be published to https?://`,
      ),
    );
  }, 60_000);

  it("names the registry a scope publishes to: the scope's own line first, else npm's default", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "auth-registry-"));
    try {
      await writeFile(
        path.join(dir, ".npmrc"),
        "registry=http://127.0.0.1:9/default/\n@acme:registry=http://127.0.0.1:9/acme/\n",
      );
      // Only the .npmrc speaks: pnpm sets npm_config_registry for the scripts it runs.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)),
      );
      expect(await targetRegistry("@acme", dir, env)).toBe("http://127.0.0.1:9/acme/");
      expect(await targetRegistry("@other", dir, env)).toBe("http://127.0.0.1:9/default/");
      // The release config's registry wins over npm's configuration.
      expect(
        await releaseRegistry({ scope: "@acme", registry: "http://127.0.0.1:9/config/" }, dir, env),
      ).toBe("http://127.0.0.1:9/config/");
      expect(await releaseRegistry({ scope: "@acme" }, dir, env)).toBe("http://127.0.0.1:9/acme/");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
