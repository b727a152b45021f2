import path from "node:path";

/**
 * The pnpm that runs this script or suite (`npm_execpath`, set by pnpm for every script it runs), else the
 * `pnpm` on PATH: never `npx -y pnpm@…`, which needs the registry (a suite that is installed must
 * pass offline).
 */
export function pnpmCommand(): { command: string; prefix: string[] } {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/i.test(path.basename(execpath)))
    return execpath.endsWith(".js") || execpath.endsWith(".cjs") || execpath.endsWith(".mjs")
      ? { command: process.execPath, prefix: [execpath] }
      : { command: execpath, prefix: [] };
  return { command: "pnpm", prefix: [] };
}
