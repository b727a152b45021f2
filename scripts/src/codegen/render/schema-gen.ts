import openapiTS, { astToString } from "openapi-typescript";
import { generatedHeader } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";

/** `src/schema.gen.ts`: the spec's paths and components as openapi-typescript types. */
/** openapi-typescript types (`paths`, `components`, `operations`) for the whole spec. */
export async function renderSchemaTypes(model: ProviderModel): Promise<string> {
  const ast = await openapiTS(
    structuredClone(model.document) as unknown as Parameters<typeof openapiTS>[0],
    {
      exportType: false,
      alphabetize: false,
    },
  );
  return generatedHeader(model.specFile) + astToString(ast);
}
