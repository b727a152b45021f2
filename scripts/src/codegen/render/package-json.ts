import { GENERATED_JSON_KEY, generatedJsonNote } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";
import { repositoryFields } from "../repository.ts";

/** Versions the generated packages depend on; one place to bump them. */
export const OPENAPI_FETCH_RANGE = "^0.17.0";
const DEV_DEPENDENCIES = {
  "@arethetypeswrong/cli": "0.18.5",
  publint: "0.3.25",
  typescript: "5.9.3",
};

/** package.json of a provider package. `version` is kept from disk: changesets owns it. */
export function renderPackageJson(
  model: ProviderModel,
  version: string,
  repositoryUrl?: string,
): string {
  // No "//" note here: it would ship in the tarball. README.md and every .gen.ts say it is generated.
  const manifest = {
    name: model.packageName,
    version,
    description: `Typed token manager for ${model.title}: ${model.summary}`,
    license: "MIT",
    ...repositoryFields(repositoryUrl, `packages/${model.id}`),
    keywords: ["oauth2", "token", "openapi", model.id],
    type: "module",
    sideEffects: false,
    exports: {
      ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
      "./package.json": "./package.json",
    },
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    // The source maps point at src/: ship it (tests excluded) so they resolve.
    files: [
      "dist",
      "src",
      "!src/**/*.test.ts",
      "!src/**/*.test-d.ts",
      "openapi.yaml",
      "README.md",
      "LICENSE",
    ],
    // ESM only; require() of ESM works unflagged from Node 20.19.
    engines: { node: ">=20.19" },
    scripts: {
      build: "tsc -p tsconfig.json",
      typecheck: "tsc --noEmit -p tsconfig.json",
      lint: "publint --strict && attw --pack . --profile esm-only",
    },
    dependencies: {
      "@auth/core": "workspace:^",
      "openapi-fetch": OPENAPI_FETCH_RANGE,
    },
    devDependencies: DEV_DEPENDENCIES,
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

export function renderTsconfig(model: ProviderModel): string {
  return (
    JSON.stringify(
      {
        [GENERATED_JSON_KEY]: generatedJsonNote(model.specFile),
        extends: "../../tsconfig.base.json",
        compilerOptions: { rootDir: "src", outDir: "dist", types: [] },
        include: ["src/**/*.ts"],
        exclude: ["src/**/*.test.ts", "src/**/*.test-d.ts"],
      },
      null,
      2,
    ) + "\n"
  );
}
