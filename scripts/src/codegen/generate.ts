import { REPO_ROOT } from "../paths.ts";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ChangeSummary, dropChangesets, updateChangeset } from "./changesets.ts";
import { loadSpec } from "./load-spec.ts";
import { buildModel, type ProviderModel } from "./model/model.ts";
import { type FormatAll, formatterFor } from "./format.ts";
import { formatProblem, ProblemsError, type Problem } from "./problems.ts";
import { renderPackageJson, renderTsconfig } from "./render/package-json.ts";
import { readRootRepository } from "./repository.ts";
import { noRenderCache, openRenderCache, type RenderCache } from "./render-cache.ts";
import { renderReadme } from "./render/readme.ts";
import { renderCreateAuth } from "./render/create-auth-gen.ts";
import {
  renderExampleProviders,
  renderSandboxTestPackages,
  syncManifest,
} from "./render/workspace-lists.ts";
import { renderIndex } from "./render/index-ts.ts";
import { renderProvider } from "./render/provider-gen.ts";
import { renderSandboxProviders } from "./render/sandbox-providers-gen.ts";
import { renderSchemaTypes } from "./render/schema-gen.ts";

/** Files of a provider package that are copied, not rendered: never formatted. */
const COPIED = new Set(["LICENSE", "openapi.yaml"]);
/** Files its renderer prints in prettier's style (format.ts, `preformatted`). */
const PREFORMATTED = new Set(["package.json", "tsconfig.json", "src/index.ts"]);

/** Hand-written workspace packages a spec must not overwrite. */
const RESERVED_PACKAGES = new Set(["core", "sandbox", "scripts", "examples"]);

export interface GenerateOptions {
  /** Folder holding `<provider>.yaml` files. */
  specsDir?: string;
  /** Repo-like root: packages go to `<outRoot>/packages/<provider>`, changesets to `<outRoot>/.changeset`. */
  outRoot?: string;
  /** Compare with disk and report drift; write nothing. */
  check?: boolean;
  /** Write a changeset for every package whose output changed (default: true unless check). */
  changesets?: boolean;
  /**
   * Render every package even when its inputs are unchanged (see render-cache.ts). `check`
   * always renders from scratch.
   */
  force?: boolean;
  log?: (line: string) => void;
}

export interface PackageResult {
  readonly id: string;
  readonly changed: readonly string[];
  readonly created: boolean;
  readonly ms: number;
}

/**
 * Generates every provider package; throws ProblemsError (having written nothing) on bad input.
 * The steps, in order: read and check every spec into a model; render every file of every package
 * in memory; render the provider lists of the hand-written packages; then compare with disk and
 * write (or, with `check`, report drift), with a changeset per changed package; last, remove the
 * packages whose spec is gone.
 */
export async function generate(options: GenerateOptions = {}): Promise<PackageResult[]> {
  const specsDir = options.specsDir ?? path.join(REPO_ROOT, "specs");
  const outRoot = options.outRoot ?? REPO_ROOT;
  const log = options.log ?? (() => {});
  const cache = options.check || options.force ? noRenderCache() : await openRenderCache(outRoot);
  const models = await readModels(specsDir, cache);
  const modelHits = cache.hits;
  const format = formatterFor(outRoot);
  // Render everything in memory first: a failure below leaves every package untouched.
  const planned = await renderPackages(models, specsDir, outRoot, format, cache);
  const generatedIds = await generatedPackageIds(outRoot);
  planned.push(...(await renderWorkspaceLists(models, generatedIds, outRoot, format, cache)));
  const reused = cache.hits - modelHits;
  if (reused > 0)
    log(
      `reused ${reused} of ${planned.length - 1} renderings (inputs unchanged; --force renders all)`,
    );
  const { results, drift } = await applyPlans(planned, options, outRoot, log);
  const modelIds = new Set(models.map((m) => m.id));
  for (const id of [...generatedIds].filter((id) => !modelIds.has(id))) {
    const dir = path.join(outRoot, "packages", id);
    if (options.check) {
      drift.push({
        file: relativeToRepo(dir),
        pointer: "",
        message: `generated package without a spec (specs/${id}.yaml is gone); run \`pnpm generate\` to remove it and commit the result`,
      });
    } else {
      await rm(dir, { recursive: true, force: true });
      await dropChangesets(path.join(outRoot, ".changeset"), id);
    }
    results.push({ id, changed: ["(package removed)"], created: false, ms: 0 });
    log(
      `@auth/${id.padEnd(22)} ${options.check ? "orphaned: no spec" : "removed: its spec is gone"}`,
    );
  }
  if (drift.length > 0) throw new ProblemsError(drift);
  await cache.save();
  return results;
}

const relativeToRepo = (file: string) => path.relative(REPO_ROOT, file) || file;

/**
 * Step 1: every spec in `specsDir`, loaded and checked into a model; every problem at once. A
 * spec whose text (and generator) is unchanged since a run that accepted it gets that run's model
 * from the cache instead of YAML parsing and checking.
 */
async function readModels(specsDir: string, cache: RenderCache): Promise<ProviderModel[]> {
  let entries: string[];
  try {
    entries = (await readdir(specsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    throw new ProblemsError([
      {
        file: relativeToRepo(specsDir),
        pointer: "",
        message: "specs folder not found; create it and add a spec",
      },
    ]);
  }
  if (entries.length === 0) {
    throw new ProblemsError([
      { file: relativeToRepo(specsDir), pointer: "", message: "no *.yaml specs found; add one" },
    ]);
  }
  const problems: Problem[] = [];
  const models: ProviderModel[] = [];
  const seen = new Map<string, string>();
  const texts = await Promise.all(
    entries.map((entry) => readFile(path.join(specsDir, entry), "utf8").catch(() => undefined)),
  );
  for (const [index, entry] of entries.entries()) {
    const file = relativeToRepo(path.join(specsDir, entry));
    const id = entry.replace(/\.ya?ml$/, "");
    const lowered = id.toLowerCase();
    if (seen.has(lowered)) {
      problems.push({
        file,
        pointer: "",
        message: `package name @auth/${lowered} is also generated from ${seen.get(lowered)}; rename one spec`,
      });
      continue;
    }
    seen.set(lowered, file);
    if (RESERVED_PACKAGES.has(lowered)) {
      problems.push({
        file,
        pointer: "",
        message: `package name @auth/${lowered} belongs to a hand-written package; rename the spec`,
      });
      continue;
    }
    const text = texts[index];
    const key = cache.key("model", file, text);
    const cached = text === undefined ? undefined : cache.get(`model:${id}`, key)?.get("model");
    if (cached !== undefined) {
      models.push(JSON.parse(cached) as ProviderModel);
      continue;
    }
    const loaded = await loadSpec(path.join(specsDir, entry), file, text);
    problems.push(...loaded.problems);
    if (!loaded.spec) continue;
    const built = buildModel(loaded.spec, id);
    problems.push(...built.problems);
    if (!built.model) continue;
    models.push(built.model);
    if (text !== undefined && built.problems.length === 0)
      cache.set(`model:${id}`, key, new Map([["model", JSON.stringify(built.model)]]));
  }
  if (problems.length > 0) throw new ProblemsError(problems);
  return models;
}

/**
 * Step 2: every file of every provider package, in memory. A spec the model accepted but a
 * renderer or a tool (openapi-typescript, prettier) could not turn into code is a problem naming
 * the spec, never a raw stack, and nothing is written.
 */
async function renderPackages(
  models: readonly ProviderModel[],
  specsDir: string,
  outRoot: string,
  format: FormatAll,
  cache: RenderCache,
): Promise<Planned[]> {
  const [repositoryUrl, license] = await Promise.all([
    // npm metadata from the root package.json (`pnpm set-repository`); none until someone sets it.
    readRootRepository(outRoot),
    // Shipped in every tarball.
    readFile(path.join(REPO_ROOT, "LICENSE"), "utf8"),
  ]);
  // Side by side: each waits on its own files, and openapi-typescript's work is in between.
  const settled = await Promise.allSettled(
    models.map((model) => renderPackage(model, specsDir, outRoot, repositoryUrl, license, cache)),
  );
  const problems = settled.flatMap((result, i) =>
    result.status === "rejected" ? [renderProblem(models[i]!.specFile, result.reason)] : [],
  );
  if (problems.length > 0) throw new ProblemsError(problems);
  const rendered = settled.map((result) => (result as PromiseFulfilledResult<Rendered>).value);
  // Every package's files in one batch: prettier's cost per call is paid once (format.ts).
  const requestsOf = ({ planned, unformatted }: Rendered) =>
    [...unformatted].map(([name, source]) => ({
      filepath: path.join(planned.dir, name),
      source,
      preformatted: PREFORMATTED.has(name),
    }));
  const formatted = await format(rendered.flatMap(requestsOf)).catch(async () => {
    // Find the package prettier could not format: each on its own, every failure a problem.
    for (const item of rendered) {
      await format(requestsOf(item)).catch((error) =>
        problems.push(renderProblem(item.planned.specFile, error)),
      );
    }
    throw new ProblemsError(problems);
  });
  let next = 0;
  for (const { planned, unformatted, key } of rendered) {
    if (unformatted.size === 0) continue;
    for (const name of unformatted.keys()) planned.files.set(name, formatted[next++]!);
    cache.set(planned.id, key, planned.files);
  }
  return rendered.map(({ planned }) => planned);
}

/** A spec the model accepted that a renderer or prettier could not turn into code. */
function renderProblem(file: string, error: unknown): Problem {
  const first = String((error as Error)?.message ?? error)
    .split("\n")[0]!
    .slice(0, 300);
  return {
    file,
    pointer: "",
    message: `the generator could not render this spec (${first}); nothing was written — simplify the construct named, or report it`,
  };
}

/** A package rendered in memory; `unformatted` holds what still goes through prettier. */
interface Rendered {
  readonly planned: Planned;
  readonly unformatted: ReadonlyMap<string, string>;
  readonly key: string;
}

/** One provider package: each file from its own renderer (`render/<file>.ts`). */
async function renderPackage(
  model: ProviderModel,
  specsDir: string,
  outRoot: string,
  repositoryUrl: string | undefined,
  license: string,
  cache: RenderCache,
): Promise<Rendered> {
  const started = performance.now();
  const dir = path.join(outRoot, "packages", model.id);
  // Shipped in the tarball: the spec the package was generated from.
  const [version, spec] = await Promise.all([
    currentVersion(path.join(dir, "package.json")),
    readFile(path.join(specsDir, path.basename(model.specFile)), "utf8"),
  ]);
  const key = cache.key("package", model.id, spec, license, repositoryUrl, version);
  const files = cache.get(model.id, key) ?? new Map<string, string>();
  const unformatted = new Map<string, string>();
  if (files.size === 0) {
    // In the order the files are listed (and written): the formatted text replaces each.
    files.set("package.json", renderPackageJson(model, version, repositoryUrl));
    files.set("tsconfig.json", renderTsconfig(model));
    files.set("README.md", renderReadme(model));
    files.set("LICENSE", license);
    files.set("openapi.yaml", spec);
    files.set("src/index.ts", renderIndex(model));
    files.set("src/provider.gen.ts", renderProvider(model));
    files.set("src/schema.gen.ts", await renderSchemaTypes(model));
    files.set("src/create-auth.gen.ts", renderCreateAuth(model));
    for (const [name, source] of files) if (!COPIED.has(name)) unformatted.set(name, source);
  }
  const planned = {
    id: model.id,
    packageName: model.packageName,
    specFile: model.specFile,
    dir,
    files,
    ms: performance.now() - started,
  };
  return { planned, unformatted, key };
}

/**
 * Step 3: the sandbox emulates every spec from data, and every list of providers in the
 * workspace is generated: a new spec needs no hand edit anywhere.
 */
async function renderWorkspaceLists(
  models: readonly ProviderModel[],
  generatedIds: ReadonlySet<string>,
  outRoot: string,
  format: FormatAll,
  cache: RenderCache,
): Promise<Planned[]> {
  const started = performance.now();
  const sandboxDir = path.join(outRoot, "packages", "sandbox");
  const examplesDir = path.join(outRoot, "examples");
  const manifests = new Map<string, string | undefined>();
  for (const dir of [sandboxDir, examplesDir])
    manifests.set(
      dir,
      await readFile(path.join(dir, "package.json"), "utf8").catch(() => undefined),
    );
  const key = cache.key(
    "lists",
    JSON.stringify(models),
    [...generatedIds].sort().join(","),
    manifests.get(sandboxDir),
    manifests.get(examplesDir),
  );
  // One cache entry for both packages: "<dir>\0<file>" → content.
  const cached = cache.get("(workspace lists)", key);
  const pick = (dir: string) =>
    new Map(
      [...(cached ?? [])]
        .filter(([name]) => name.startsWith(`${dir}\0`))
        .map(([name, content]) => [name.slice(dir.length + 1), content]),
    );
  let sandboxFiles: Map<string, string>;
  let examplesFiles: Map<string, string>;
  if (cached) {
    sandboxFiles = pick(sandboxDir);
    examplesFiles = pick(examplesDir);
  } else {
    const { source, verbatim } = renderSandboxProviders(models);
    const rendered: {
      dir: string;
      name: string;
      source: string;
      verbatim?: typeof verbatim;
      preformatted?: boolean;
    }[] = [
      { dir: sandboxDir, name: "src/providers.gen.ts", source, verbatim },
      { dir: sandboxDir, name: "test/packages.gen.ts", source: renderSandboxTestPackages(models) },
      { dir: examplesDir, name: "src/providers.gen.ts", source: renderExampleProviders(models) },
    ];
    for (const [dir, section] of [
      [sandboxDir, "devDependencies"],
      [examplesDir, "dependencies"],
    ] as const) {
      const manifest = manifests.get(dir);
      if (manifest !== undefined)
        rendered.push({
          dir,
          name: "package.json",
          // JSON.stringify(…, null, 2), which is prettier's json-stringify style.
          source: syncManifest(manifest, section, models, generatedIds),
          preformatted: true,
        });
    }
    const formatted = await format(
      rendered.map((file) => ({ ...file, filepath: path.join(file.dir, file.name) })),
    );
    sandboxFiles = new Map();
    examplesFiles = new Map();
    rendered.forEach(({ dir, name }, i) =>
      (dir === sandboxDir ? sandboxFiles : examplesFiles).set(name, formatted[i]!),
    );
    cache.set(
      "(workspace lists)",
      key,
      new Map([
        ...[...sandboxFiles].map(([name, content]) => [`${sandboxDir}\0${name}`, content] as const),
        ...[...examplesFiles].map(
          ([name, content]) => [`${examplesDir}\0${name}`, content] as const,
        ),
      ]),
    );
  }
  return [
    {
      id: "sandbox",
      packageName: "@auth/sandbox",
      specFile: "specs/",
      dir: sandboxDir,
      files: sandboxFiles,
      ms: performance.now() - started,
      partial: true,
    },
    {
      id: "examples",
      packageName: "@auth/examples",
      specFile: "specs/",
      dir: examplesDir,
      files: examplesFiles,
      ms: 0,
      partial: true,
      private: true,
    },
  ];
}

/**
 * Step 4: each planned package compared with disk, then written atomically with its changeset
 * (or, with `check`, its drift reported).
 */
async function applyPlans(
  planned: readonly Planned[],
  options: GenerateOptions,
  outRoot: string,
  log: (line: string) => void,
): Promise<{ results: PackageResult[]; drift: Problem[] }> {
  const results: PackageResult[] = [];
  const drift: Problem[] = [];
  const changesetDir = path.join(outRoot, ".changeset");
  // What is on disk now, for every package at once (nothing below writes outside its own folder).
  const onDisk = await Promise.all(planned.map(readOnDisk));
  for (const [index, item] of planned.entries()) {
    const { dir, files, ms } = item;
    const { previous, stale, created } = onDisk[index]!;
    const changed = [...files.keys()].filter((name) => previous.get(name) !== files.get(name));
    changed.push(...stale.map((f) => `${f} (removed)`));
    if (options.check) {
      for (const name of changed) {
        drift.push({
          file: relativeToRepo(path.join(dir, name.replace(/ \(removed\)$/, ""))),
          pointer: "",
          message: "out of date with its spec; run `pnpm generate` and commit the result",
        });
      }
    } else {
      if (changed.length > 0) await writeAtomically(dir, files, stale);
      if (options.changesets !== false && !item.private) {
        // Tests and manifests of a hand-written package are not what its users install.
        const shipped = item.partial ? changed.filter((name) => name.startsWith("src/")) : changed;
        const change =
          shipped.length === 0 ? undefined : await summarise(item, previous, shipped, created);
        await updateChangeset(changesetDir, item.id, item.packageName, item.specFile, change);
      }
    }
    results.push({ id: item.id, changed, created, ms });
    log(
      `${item.packageName.padEnd(28)} ${changed.length === 0 ? "unchanged" : (created ? "created: " : "updated: ") + changed.join(", ")} (${ms.toFixed(0)} ms)`,
    );
  }
  return { results, drift };
}

/** A planned package's files as they are on disk, its stale generated files, and whether it is new. */
async function readOnDisk(item: Planned) {
  const { dir, files } = item;
  const names = [...files.keys()];
  const [existing, stale, manifest] = await Promise.all([
    Promise.all(names.map((name) => readFile(path.join(dir, name), "utf8").catch(() => undefined))),
    item.partial ? [] : staleGeneratedFiles(dir, files),
    item.partial ? true : exists(path.join(dir, "package.json")),
  ]);
  const previous = new Map<string, string>();
  names.forEach((name, i) => existing[i] !== undefined && previous.set(name, existing[i]));
  for (const name of stale) previous.set(name, await readFile(path.join(dir, name), "utf8"));
  return { previous, stale, created: !manifest };
}

/** The changeset entry for a package that changed: the bump comes from its public API's diff. */
async function summarise(
  item: Planned,
  previous: ReadonlyMap<string, string>,
  changed: readonly string[],
  created: boolean,
): Promise<ChangeSummary> {
  if (created)
    return {
      packageName: item.packageName,
      bump: "minor",
      notes: [`Generate ${item.packageName} from ${item.specFile}.`],
    };
  if (item.partial)
    return {
      packageName: item.packageName,
      bump: "patch",
      notes: [`Emulates the providers in specs/ (changed: ${changed.join(", ")}).`],
    };
  // Loaded only when a package changed: it brings the TypeScript compiler.
  const { diffPublicApi } = await import("./api-diff.ts");
  const api = diffPublicApi(previous, item.files, REPO_ROOT);
  return {
    packageName: item.packageName,
    bump: api.bump,
    notes:
      api.notes.length > 0 ? api.notes : [`Docs and behaviour (changed: ${changed.join(", ")}).`],
  };
}

/** Ids of the packages under `packages/` that `generate` wrote (they have `src/provider.gen.ts`). */
async function generatedPackageIds(outRoot: string): Promise<Set<string>> {
  const names = await readdir(path.join(outRoot, "packages")).catch(() => [] as string[]);
  const generated = await Promise.all(
    names.map((name) => exists(path.join(outRoot, "packages", name, "src/provider.gen.ts"))),
  );
  return new Set(names.filter((_, i) => generated[i]));
}

async function currentVersion(manifestPath: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as { version?: unknown };
    return typeof manifest.version === "string" ? manifest.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** `src/*.gen.ts` files left over from an earlier generation. */
async function staleGeneratedFiles(dir: string, files: Map<string, string>): Promise<string[]> {
  const names = await readdir(path.join(dir, "src")).catch(() => [] as string[]);
  return names.map((n) => `src/${n}`).filter((n) => n.endsWith(".gen.ts") && !files.has(n));
}

/** Writes every file to a temporary sibling first, then renames them all into place. */
async function writeAtomically(
  dir: string,
  files: Map<string, string>,
  stale: readonly string[],
): Promise<void> {
  const suffix = `.tmp-${process.pid}-${Date.now()}`;
  const written: string[] = [];
  try {
    for (const [name, content] of files) {
      const target = path.join(dir, name);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target + suffix, content);
      written.push(target);
    }
  } catch (error) {
    await Promise.all(written.map((target) => rm(target + suffix, { force: true })));
    throw error;
  }
  for (const target of written) await rename(target + suffix, target);
  for (const name of stale) await rm(path.join(dir, name), { force: true });
}

interface Planned {
  readonly id: string;
  readonly packageName: string;
  readonly specFile: string;
  readonly dir: string;
  readonly files: Map<string, string>;
  readonly ms: number;
  /** Only some files of a hand-written package are generated. */
  readonly partial?: boolean;
  /** Not published: no changeset. */
  readonly private?: boolean;
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const force = process.argv.includes("--force");
  const started = performance.now();
  try {
    const results = await generate({ check, force, log: (line) => console.log(line) });
    const changed = results.filter((r) => r.changed.length > 0).length;
    console.log(
      `${check ? "checked" : "generated"} ${results.length} package(s), ${changed} changed, in ${(performance.now() - started).toFixed(0)} ms`,
    );
  } catch (error) {
    if (error instanceof ProblemsError) {
      for (const problem of error.problems) console.error(formatProblem(problem));
      console.error(
        `${check ? "drift check" : "generate"} failed: ${error.problems.length} problem(s); nothing was written`,
      );
    } else {
      console.error(`generate failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exitCode = 1;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
