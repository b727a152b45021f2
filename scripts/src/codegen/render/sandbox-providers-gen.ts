import { literal } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";
import { exchangeOf, operationType } from "./provider-gen.ts";

/** `packages/sandbox/src/providers.gen.ts`: every provider the sandbox emulates. */
/** Every provider's exchange data and spec document, for `@auth/sandbox` to emulate. */
export function renderSandboxProviders(models: readonly ProviderModel[]): string {
  const entries = models.map((model) => ({
    id: model.id,
    title: model.title,
    specFile: model.specFile,
    exchange: exchangeOf(model),
    document: model.document,
  }));
  return [
    generatedHeader("specs/*.yaml"),
    'import type { SandboxProvider } from "./types.js";',
    "",
    "/** Demo credentials (and server variables) of each provider, by option name: spread them into its `createAuth`. */",
    "export interface SandboxCredentials {",
    ...models.map(
      (m) =>
        `  ${literal(m.id)}: { ${[...m.credentials, ...m.variables].map((c) => `${c.name}: string;`).join(" ")} };`,
    ),
    "}",
    "",
    "/** Ids of the emulated providers. */",
    "export type ProviderId = keyof SandboxCredentials;",
    "",
    "/** Every provider in specs/, emulated by the sandbox. */",
    "// Data, not code: printed as JSON (literal()), so prettier need not re-print it.",
    "// prettier-ignore",
    `export const providers: readonly SandboxProvider[] = ${literal(entries, 2)};`,
    "",
  ].join("\n");
}
