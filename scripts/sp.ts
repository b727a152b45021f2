import { build } from "esbuild";
import { gzipSync } from "node:zlib";
const paths = {
 get: `import { createAuth } from "@auth/alternative-payments"; export const token = createAuth({ clientId: "id", clientSecret: "secret" }).getToken();`,
 store: `import { MemoryTokenStore } from "@auth/core"; import { createAuth } from "@auth/alternative-payments"; export const token = createAuth({ clientId: "id", clientSecret: "secret", store: new MemoryTokenStore() }).getToken();`};
const out = [];
for (const [n, contents] of Object.entries(paths)) {
  const r = await build({ stdin: { contents, loader: "ts", resolveDir: "/work/main/examples" }, bundle: true, minify: true, format: "esm", platform: "neutral", mainFields: ["module", "main"], write: false, logLevel: "silent", alias: { "@auth/core": "/work/main/packages/core/src/index.ts", "@auth/core/provider": "/work/main/packages/core/src/provider.ts" } });
  const c = r.outputFiles[0].contents; out.push(`${n} ${c.byteLength} ${gzipSync(c, { level: 9 }).byteLength}`);
}
console.log(out.join(" | "));
