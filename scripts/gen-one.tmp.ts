import { cp } from "node:fs/promises";
import path from "node:path";
import { generate } from "/work/main/scripts/src/codegen/generate.ts";
import { FIXTURES, scratchRoot } from "/work/main/scripts/test/workspace.ts";
const shape = process.argv[2]!;
const s = await scratchRoot();
await cp(path.join(FIXTURES, `${shape}.yaml`), path.join(s.specs, `${shape}.yaml`));
try { await generate({ specsDir: s.specs, outRoot: s.root }); } catch (e: any) { console.log(e.problems ?? e); }
console.log(s.root);
