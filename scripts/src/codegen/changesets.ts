import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";

export type Bump = "major" | "minor" | "patch";
const ORDER: Bump[] = ["patch", "minor", "major"];

/** What one regeneration did to a package, for its changeset. */
export interface ChangeSummary {
  readonly packageName: string;
  readonly bump: Bump;
  /** Lines for the changelog, one per change. */
  readonly notes: readonly string[];
}

/** `generated-<id>.md`, and the per-run files older generators wrote (`generated-<id>-<hash>.md`). */
function pendingFiles(names: readonly string[], id: string): string[] {
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^generated-${escaped}(-[0-9a-f]{8})?\\.md$`);
  return names.filter((name) => pattern.test(name)).sort();
}

/** Reads a changeset: its bump for `packageName` and its summary lines. */
function parse(text: string, packageName: string): { bump: Bump; notes: string[] } | undefined {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text);
  if (!match) return undefined;
  const line = match[1]!
    .split("\n")
    .find((l) => l.replace(/["']/g, "").startsWith(`${packageName}:`));
  const bump = line?.split(":").pop()?.trim() as Bump | undefined;
  if (!bump || !ORDER.includes(bump)) return undefined;
  const notes = match[2]!
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.endsWith(":"))
    .map((l) => l.replace(/^- /, ""));
  return { bump, notes };
}

/**
 * Keeps at most one pending changeset per generated package, `.changeset/generated-<id>.md`,
 * updated in place: the highest bump so far, and every change not yet released listed once. Older
 * per-run files of the package are folded into it. `change` undefined only folds.
 */
export async function updateChangeset(
  changesetDir: string,
  id: string,
  packageName: string,
  specFile: string,
  change: ChangeSummary | undefined,
): Promise<void> {
  const names = await readdir(changesetDir).catch(() => [] as string[]);
  const pending = pendingFiles(names, id);
  const target = `generated-${id}.md`;
  if (
    change === undefined &&
    (pending.length === 0 || (pending.length === 1 && pending[0] === target))
  )
    return;
  let bump: Bump = change?.bump ?? "patch";
  const notes: string[] = [];
  for (const name of pending) {
    const parsed = parse(await readFile(path.join(changesetDir, name), "utf8"), packageName);
    if (!parsed) continue;
    if (ORDER.indexOf(parsed.bump) > ORDER.indexOf(bump)) bump = parsed.bump;
    notes.push(...parsed.notes);
  }
  notes.push(...(change?.notes ?? []));
  const unique = [...new Set(notes)];
  const body = `---\n"${packageName}": ${bump}\n---\n\nRegenerated from ${specFile}:\n\n${unique.map((n) => `- ${n}`).join("\n")}\n`;
  await mkdir(changesetDir, { recursive: true });
  const temporary = path.join(changesetDir, `.${target}.tmp-${process.pid}`);
  await writeFile(temporary, body);
  await rename(temporary, path.join(changesetDir, target));
  for (const name of pending)
    if (name !== target) await rm(path.join(changesetDir, name), { force: true });
}

/** Drops every pending generated changeset of a package that no longer exists. */
export async function dropChangesets(changesetDir: string, id: string): Promise<void> {
  const names = await readdir(changesetDir).catch(() => [] as string[]);
  for (const name of pendingFiles(names, id))
    await rm(path.join(changesetDir, name), { force: true });
}
