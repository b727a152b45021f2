import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/** What each top-level type is, for the API reference (openapi-typescript writes none). */
const TYPE_DOCS: Record<string, string> = {
  paths:
    "Every path of the spec with its operations, for `createClient<paths>()` of openapi-fetch.",
  components: "The spec's reusable schemas, responses and parameters.",
  operations: "Every operation of the spec by its operationId: parameters, bodies, responses.",
};

/** `src/schema.gen.ts`: openapi-typescript types (`paths`, `components`, `operations`) for the whole spec. */
export async function renderSchemaTypes(model: ProviderModel): Promise<string> {
  // Loaded on first use: a run whose renderings all come from the cache never pays for it.
  const { default: openapiTS, astToString } = await import("openapi-typescript");
  const ast = await openapiTS(
    structuredClone(model.document) as unknown as Parameters<typeof openapiTS>[0],
    {
      exportType: false,
      alphabetize: false,
    },
  );
  const source = astToString(ast).replace(
    /^export interface (paths|components|operations) \{$/gm,
    (line, name: string) => `/** ${TYPE_DOCS[name]} */\n${line}`,
  );
  return generatedHeader(model.specFile) + source;
}
