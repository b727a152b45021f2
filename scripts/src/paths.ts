import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root: specs/, packages/, examples/ and the root manifests are under it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
