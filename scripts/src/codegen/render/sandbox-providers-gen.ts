import { literal } from "../emit.ts";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";
import { exchangeOf, operationType } from "./provider-gen.ts";

/** Where the data goes in the code; nothing else in the file has underscores around a name. */
const DATA = "__sandbox_providers_data__";

/**
 * `packages/sandbox/src/providers.gen.ts`: every provider's exchange data and spec document, for
 * `@auth/sandbox` to emulate. The data (most of the file) is JSON under `// prettier-ignore`, so
 * it is handed to the formatter as `verbatim`, put in after the code around it is formatted.
 */
export function renderSandboxProviders(models: readonly ProviderModel[]): {
  source: string;
  verbatim: Record<string, string>;
} {
  const entries = models.map((model) => ({
    id: model.id,
    title: model.title,
    specFile: model.specFile,
    exchange: exchangeOf(model),
    document: model.document,
  }));
  const source = [
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
    `export const providers: readonly SandboxProvider[] = ${DATA};`,
    "",
  ].join("\n");
  return { source, verbatim: { [DATA]: literal(entries, 2) } };
}
