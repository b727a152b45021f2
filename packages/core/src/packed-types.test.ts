import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsc = path.join(packageRoot, "node_modules/.bin/tsc");
let scratch: string | undefined;
afterAll(() => (scratch ? rm(scratch, { recursive: true, force: true }) : undefined));

describe("the packed package, as a consumer installs it", () => {
  it("type-checks without openapi-fetch installed, with skipLibCheck: false", async () => {
    scratch = await mkdtemp(path.join(tmpdir(), "auth-core-consumer-"));
    const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", scratch], {
      cwd: packageRoot,
    });
    const installed = path.join(scratch, "node_modules/@auth/core");
    await mkdir(installed, { recursive: true });
    await run("tar", [
      "-xzf",
      path.join(scratch, stdout.trim()),
      "-C",
      installed,
      "--strip-components=1",
    ]);
    await writeFile(path.join(scratch, "package.json"), JSON.stringify({ type: "module" }));
    await writeFile(
      path.join(scratch, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          types: [],
        },
        include: ["consumer.ts"],
      }),
    );
    await writeFile(
      path.join(scratch, "consumer.ts"),
      `import { AuthError, authMiddleware, createTokenManager, type AuthMiddleware, type TokenSet } from "@auth/core";
const auth = createTokenManager({
  exchange: { provider: "p", tokenPath: "/t", credentials: [], response: { accessToken: "access_token" } },
  credentials: {},
  baseUrl: "https://auth.example.test",
});
const token: Promise<TokenSet> = auth.getToken();
const middleware: AuthMiddleware = authMiddleware(auth);
// Not silently \`any\`: a wrong call must fail to type-check.
// @ts-expect-error onRequest takes { request }
void middleware.onRequest(42);
void token;
void AuthError.isInstance(null);
`,
    );
    const result = await run(tsc, ["-p", scratch]).then(
      () => ({ ok: true, output: "" }),
      (error: { stdout: string }) => ({ ok: false, output: error.stdout }),
    );
    expect(result.output).toBe("");
    expect(result.ok).toBe(true);
  }, 120_000);
});
