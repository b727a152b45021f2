import { providerName } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/**
 * Everything in the workspace that lists providers is generated from the specs, so adding a spec
 * needs no hand edit: the sandbox's e2e suite, the demo, and the manifests that depend on them.
 */

/** `packages/sandbox/test/packages.gen.ts`: every provider package, for the e2e suite. */
export function renderSandboxTestPackages(models: readonly ProviderModel[]): string {
  return [
    generatedHeader("specs/*.yaml"),
    'import type { TokenManager } from "@auth/core";',
    ...models.map((m) => `import * as ${providerName(m.id)} from "${m.packageName}";`),
    'import type { ProviderId } from "../src/index.js";',
    "",
    "/** Every generated package, by provider id: the e2e tests run unchanged for each. */",
    "export const packages: Record<ProviderId, { createAuth: (options: never) => TokenManager<unknown> }> = {",
    ...models.map((m) => `  ${JSON.stringify(m.id)}: ${providerName(m.id)},`),
    "};",
    "",
  ].join("\n");
}

/** `examples/src/providers.gen.ts`: every provider's `createAuth`, for the demo. */
export function renderExampleProviders(models: readonly ProviderModel[]): string {
  return [
    generatedHeader("specs/*.yaml"),
    'import type { TokenManager } from "@auth/core";',
    ...models.map(
      (m) => `import { createAuth as create${providerName(m.id, true)} } from "${m.packageName}";`,
    ),
    "",
    "/** Every provider's `createAuth`, by provider id (the sandbox's ids). */",
    "export const providers: Record<string, (options: never) => TokenManager<unknown>> = {",
    ...models.map((m) => `  ${JSON.stringify(m.id)}: create${providerName(m.id, true)},`),
    "};",
    "",
  ].join("\n");
}

/**
 * A hand-written manifest with its `@auth/<provider>` entries in `section` made to match the
 * providers: current ones added (`workspace:*`), ones whose package is generated but has no spec
 * any more removed. Every other key stays as it is.
 */
export function syncManifest(
  text: string,
  section: "dependencies" | "devDependencies",
  models: readonly ProviderModel[],
  generatedIds: ReadonlySet<string>,
): string {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const entries = { ...((manifest[section] as Record<string, string> | undefined) ?? {}) };
  const wanted = new Set(models.map((m) => m.packageName));
  for (const name of Object.keys(entries)) {
    const id = name.startsWith("@auth/") ? name.slice("@auth/".length) : undefined;
    if (id !== undefined && generatedIds.has(id) && !wanted.has(name)) delete entries[name];
  }
  for (const name of wanted) entries[name] ??= "workspace:*";
  manifest[section] = Object.fromEntries(
    Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return JSON.stringify(manifest, null, 2) + "\n";
}
