import { literal } from "../emit.ts";
import { GENERATED_JSON_KEY, generatedJsonNote } from "./header.ts";
import type { ProviderModel } from "../model/model.ts";
import { repositoryFields } from "../repository.ts";

/** Versions the generated packages depend on; one place to bump them. */
export const OPENAPI_FETCH_RANGE = "^0.17.0";

/** publint --strict and attw on the tarball `pnpm pack` makes (scripts/bin/lint-package.mjs). */
export const LINT = "node ../../scripts/bin/lint-package.mjs";

/**
 * One entry point of a dual package, the same shape in every manifest of the repo:
 * - `module-sync` first: every Node the packages support (>= 20.19) matches it for `import` and
 *   for `require()`, so a Node process loads the ES modules once, whichever way it asks, and
 *   never meets the dual-package hazard (two copies of core's state and classes);
 * - under `module-sync` and `import`, `node` (Node, Bun, Deno) gets `dist/node/`, the same modules
 *   bundled into one file per entry point (a few files to load instead of about thirty), and
 *   everything else (bundlers, workerd, browsers) one file per module, to tree-shake;
 * - `require` (jest's module runtime, TypeScript compiling to CommonJS) gets `dist/cjs`, a
 *   CommonJS copy with its own `.d.ts` files, which TypeScript reads as CommonJS types.
 */
export function dualExport(entry: string) {
  const esm = { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` };
  // Node loads the bundled copy (a few files instead of one per module); bundlers, which do not
  // set `node` unless they target it, keep one file per module to tree-shake.
  const forNode = { types: esm.types, node: `./dist/node/${entry}.js`, default: esm.default };
  return {
    "module-sync": forNode,
    import: forNode,
    require: { types: `./dist/cjs/${entry}.d.ts`, default: `./dist/cjs/${entry}.js` },
    default: esm,
  };
}

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
    exports: { ".": dualExport("index"), "./package.json": "./package.json" },
    // For tools that predate `exports` (TypeScript's node10 resolution): the CommonJS copy.
    main: "./dist/cjs/index.js",
    types: "./dist/cjs/index.d.ts",
    // The source maps point at src/: ship it (tests excluded) so they resolve.
    files: [
      "dist",
      "src",
      "!src/**/*.test.ts",
      "!src/**/*.test-d.ts",
      "openapi.yaml",
      "README.md",
      // Written by `pnpm version-packages` at the first release.
      "CHANGELOG.md",
      "LICENSE",
    ],
    // require() of ESM (and the `module-sync` condition) works unflagged from Node 20.19.
    engines: { node: ">=20.19" },
    // No `build`: every provider package is built in one process by the root task
    // `//#build:providers` (scripts/bin/build-providers.mjs; `pnpm build` runs it), which
    // type-checks each against its tsconfig.json. No `typecheck`: the build type-checks.
    scripts: {
      lint: LINT,
    },
    dependencies: {
      "@auth/core": "workspace:^",
      "openapi-fetch": OPENAPI_FETCH_RANGE,
    },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

/** `tsconfig.json`, printed as prettier prints it (short arrays on one line). */
export function renderTsconfig(model: ProviderModel): string {
  return [
    "{",
    `  ${literal(GENERATED_JSON_KEY)}: ${literal(generatedJsonNote(model.specFile))},`,
    '  "extends": "../../tsconfig.base.json",',
    '  "compilerOptions": {',
    '    "rootDir": "src",',
    '    "outDir": "dist",',
    '    "types": []',
    "  },",
    '  "include": ["src/**/*.ts"],',
    '  "exclude": ["src/**/*.test.ts", "src/**/*.test-d.ts"]',
    "}",
    "",
  ].join("\n");
}
