import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../paths.ts";

/**
 * What `pnpm generate` rendered last time, keyed by everything the output depends on, so an
 * unchanged spec costs a hash instead of openapi-typescript and prettier.
 *
 * A key covers the generator itself (every file of `scripts/src/codegen/`, the tool versions in
 * `scripts/package.json`, the prettier config and ignore file) and the inputs of one package (its spec, the
 * license, the repository URL, its current version). A hit yields the files as rendered then;
 * they are still compared with disk like fresh output, so a hand edit to a generated file is
 * still overwritten. The cache lives in `node_modules/.cache/auth-codegen/` of the output root
 * (never committed); `--force` renders everything (and refreshes it); `--check` does not use it.
 */
export interface RenderCache {
  /** The files rendered for `key` last time, or undefined. */
  get(id: string, key: string): Map<string, string> | undefined;
  set(id: string, key: string, files: ReadonlyMap<string, string>): void;
  /** Writes the cache if anything changed (atomically: a crash leaves the old one or none). */
  save(): Promise<void>;
  /** A key for one package: the generator's identity plus `inputs`. */
  key(...inputs: readonly (string | undefined)[]): string;
  readonly hits: number;
}

interface Stored {
  readonly generator: string;
  readonly entries: Record<string, { key: string; files: Record<string, string> }>;
}

const CODEGEN_DIR = path.dirname(fileURLToPath(import.meta.url));

async function generatorIdentity(): Promise<string> {
  const hash = createHash("sha256");
  const files = (await readdir(CODEGEN_DIR, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
  const all = [
    ...files,
    path.join(REPO_ROOT, "scripts/package.json"),
    path.join(REPO_ROOT, ".prettierrc.json"),
    path.join(REPO_ROOT, ".prettierignore"),
  ];
  const contents = await Promise.all(
    all.map((file) => readFile(file).catch(() => Buffer.from("(none)"))),
  );
  all.forEach((file, i) => {
    hash.update(`${path.relative(REPO_ROOT, file)}\0`);
    hash.update(contents[i]!);
    hash.update("\0");
  });
  return hash.digest("hex");
}

/** A cache that remembers nothing (`--check`). */
export function noRenderCache(): RenderCache {
  return {
    get: () => undefined,
    set: () => undefined,
    save: async () => undefined,
    key: () => "",
    hits: 0,
  };
}

/** The cache of `outRoot`; with `read` false, it only records (`--force`). */
export async function openRenderCache(outRoot: string, read = true): Promise<RenderCache> {
  const generator = await generatorIdentity();
  const file = path.join(outRoot, "node_modules/.cache/auth-codegen/render.json");
  let stored: Stored = { generator, entries: {} };
  try {
    const read = JSON.parse(await readFile(file, "utf8")) as Stored;
    // A cache from another generator is worthless: start over.
    if (read.generator === generator && typeof read.entries === "object") stored = read;
  } catch {
    // none yet, or unreadable: render everything
  }
  let dirty = false;
  let hits = 0;
  return {
    get(id, key) {
      if (!read) return undefined;
      const entry = stored.entries[id];
      if (!entry || entry.key !== key) return undefined;
      hits++;
      return new Map(Object.entries(entry.files));
    },
    set(id, key, files) {
      stored.entries[id] = { key, files: Object.fromEntries(files) };
      dirty = true;
    },
    async save() {
      if (!dirty) return;
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(stored));
      await rename(temporary, file);
    },
    key(...inputs) {
      const hash = createHash("sha256").update(generator);
      for (const input of inputs) hash.update(`\0${input ?? "\u0001undefined"}`);
      return hash.digest("hex");
    },
    get hits() {
      return hits;
    },
  };
}
