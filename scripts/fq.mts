import { generate } from "./src/codegen/generate.ts";
await generate({ force: true, check: true });
console.log(JSON.stringify((globalThis as any).__diff, null, 1));
