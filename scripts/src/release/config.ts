import { readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "../paths.ts";

/** npm scopes: `@`, then lower case, digits, `-`, `.`, `_`, `~` (not starting with `.` or `_`). */
export const NPM_SCOPE = /^@[a-z0-9~-][a-z0-9._~-]*$/;

/**
 * Where and under which name the packages are published: the `release` field of the root
 * `package.json`, the one place a team changes to publish under its own scope.
 *
 * The workspace itself always calls the packages `@auth/*` (imports, tests, docs, changesets):
 * those are internal names. `pnpm release` publishes rewritten copies under `scope`
 * (see stage.ts), so changing the scope is a one-line diff.
 */
export interface ReleaseConfig {
  /** The npm scope published packages are named under, e.g. `@acme`. */
  readonly scope: string;
  /**
   * The registry to publish to (written into each published manifest's
   * `publishConfig.registry`); when absent, the scope's `@scope:registry` line in npm's
   * configuration decides, else npm's `registry`.
   */
  readonly registry?: string;
}

/** `@auth/core` (or `@auth/core/provider`) under `scope`: `@acme/core`. */
export function publishedName(name: string, scope: string): string {
  return `${scope}/${name.slice(name.indexOf("/") + 1)}`;
}

export class ReleaseConfigError extends Error {
  override readonly name = "ReleaseConfigError";
}

/** Validates the root manifest's `release` field; errors say which value is wrong and why. */
export function parseReleaseConfig(value: unknown): ReleaseConfig {
  const where = 'the "release" field of the root package.json';
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ReleaseConfigError(`${where} must be an object like { "scope": "@your-scope" }`);
  const { scope, registry, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    throw new ReleaseConfigError(
      `${where} has unknown keys (${unknown.join(", ")}); it takes "scope" and "registry"`,
    );
  if (typeof scope !== "string" || !NPM_SCOPE.test(scope))
    throw new ReleaseConfigError(
      `${where}: "scope" must be an npm scope such as "@your-org" (lower case, starting with @), not ${JSON.stringify(scope)}`,
    );
  if (registry === undefined) return { scope };
  if (typeof registry !== "string" || !isRegistryUrl(registry))
    throw new ReleaseConfigError(
      // The value is not echoed: a URL with credentials in it would print them.
      `${where}: "registry" must be an http(s) URL such as "https://npm.example.internal/", without credentials (put the token in .npmrc), query or fragment`,
    );
  return { scope, registry: registry.endsWith("/") ? registry : `${registry}/` };
}

function isRegistryUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === "https:" || url.protocol === "http:") &&
      url.username === "" &&
      url.password === "" &&
      url.search === "" &&
      url.hash === ""
    );
  } catch {
    return false;
  }
}

export async function readReleaseConfig(root = REPO_ROOT): Promise<ReleaseConfig> {
  const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    release?: unknown;
  };
  return parseReleaseConfig(manifest.release);
}
