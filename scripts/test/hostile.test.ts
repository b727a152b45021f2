import { execFileSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { marked } from "marked";
import { parse, stringify } from "yaml";
import { generate } from "../src/codegen/generate.ts";
import { ProblemsError } from "../src/codegen/problems.ts";
import {
  compilePackages,
  expectPrettierOutput,
  FIXTURES,
  linkDependencies,
  scratchRoot,
} from "./workspace.ts";

// A provider's document is untrusted input: every string the generator reads is tried with a
// payload that breaks out of a block comment, a template literal, either quote, an HTML script,
// and a line (CR/LF, U+2028/U+2029). Each spec is either refused with a problem naming it, or
// generates a package that compiles under the strict base tsconfig and, imported by a real Node
// process, touches nothing (the payloads all write a sentinel global).

const PAYLOAD = [
  `*/ globalThis.__pwned = "comment"; /*`,
  "` + (globalThis.__pwned = 'template') + `${(globalThis.__pwned = 'interpolation')}",
  `"; globalThis.__pwned = "double"; "`,
  `'; globalThis.__pwned = 'single'; '`,
  `</script><script>globalThis.__pwned = "html"</script><img src=x onerror=alert(1)>`,
  `\u2028globalThis.__pwned = "ls";\u2029globalThis.__pwned = "ps";`,
  `\r\nglobalThis.__pwned = "crlf";\n// [link](javascript:alert(1)) | table | # heading`,
].join(" ");
/** Printable ASCII only: what a header constant may hold. Still a comment breakout. */
const ASCII_PAYLOAD = `*/globalThis.__pwned="header";/*\`\${x}\`'"</script>`;
/**
 * A constant with braces is a template (`{name}`), and a server URL has no query or fragment: the
 * payloads without them, so they reach the generated code; with them they are refused (below).
 */
const noBraces = (text: string) => text.replace(/[{}]/g, "");

type Spec = Record<string, any>;
const base = async (): Promise<Spec> =>
  parse(await readFile(path.join(FIXTURES, "acme.yaml"), "utf8")) as Spec;
const op = (spec: Spec) => spec.paths["/token"].post;
const ext = (spec: Spec) => op(spec)["x-token-exchange"];
const bodySchema = (spec: Spec) =>
  op(spec).requestBody.content["application/x-www-form-urlencoded"].schema;
const okSchema = (spec: Spec) => op(spec).responses["200"].content["application/json"].schema;

/** Specs that must generate safe packages: one string field each. */
const accepted: Record<string, (spec: Spec) => void> = {
  title: (s) => void (s.info.title = PAYLOAD),
  summary: (s) => void (s.info.summary = PAYLOAD),
  version: (s) => void (s.info.version = PAYLOAD),
  description: (s) => void (s.info.description = PAYLOAD),
  "credential-description": (s) => void (ext(s).credentials[0].description = PAYLOAD),
  "operation-text": (s) => {
    op(s).summary = PAYLOAD;
    op(s).description = PAYLOAD;
    op(s).responses["200"].description = PAYLOAD;
    op(s).responses["400"].description = PAYLOAD;
  },
  "schema-text": (s) => {
    okSchema(s).description = PAYLOAD;
    okSchema(s).properties.access_token.description = PAYLOAD;
    okSchema(s).properties.access_token.title = PAYLOAD;
  },
  "server-url": (s) => {
    const url = `https://auth.acme.example/${encodeURI(PAYLOAD).replace(/[?#]/g, "")}`;
    s.servers[0].url = url;
    ext(s).environments.production = url;
  },
  "token-path": (s) => {
    s.paths[`/token${PAYLOAD.replace(/[\r\n\u2028\u2029]/g, "")}`] = s.paths["/token"];
    delete s.paths["/token"];
  },
  grant: (s) => {
    bodySchema(s).properties.grant_type.enum = [PAYLOAD];
    ext(s).grant = PAYLOAD;
    op(s).requestBody.content["application/x-www-form-urlencoded"].example.grant_type = PAYLOAD;
  },
  "body-constant": (s) => {
    bodySchema(s).properties.audience = { type: "string", description: PAYLOAD };
    ext(s).constants = [{ in: "body", name: "audience", value: noBraces(PAYLOAD) }];
  },
  "header-constant": (s) => {
    op(s).parameters = [{ in: "header", name: "x-tenant", schema: { type: "string" } }];
    ext(s).constants = [{ in: "header", name: "x-tenant", value: noBraces(ASCII_PAYLOAD) }];
  },
  "response-field": (s) => {
    okSchema(s).properties[PAYLOAD] = { type: "string" };
    okSchema(s).required = [PAYLOAD, "token_type"];
    ext(s).response.accessToken = PAYLOAD;
    delete okSchema(s).properties.access_token;
    op(s).responses["200"].content["application/json"].example = {
      [PAYLOAD]: "abc",
      token_type: "Bearer",
    };
  },
  "property-names": (s) => {
    bodySchema(s).properties[PAYLOAD] = { type: "string" };
    ext(s).scope = PAYLOAD;
    delete bodySchema(s).properties.scope;
  },
};

/** Specs that must be refused, each with a problem at the pointer given. */
const refused: Record<string, [(spec: Spec) => void, RegExp]> = {
  "credential-constructor": [
    (s) => void (ext(s).credentials[0].name = "constructor"),
    /credentials\/0\/name .*property of every JavaScript object/,
  ],
  "credential-tostring": [
    (s) => void (ext(s).credentials[1].name = "toString"),
    /credentials\/1\/name .*property of every JavaScript object/,
  ],
  "credential-proto": [
    (s) => void (ext(s).credentials[1].name = "__proto__"),
    /credentials\/1\/name .*camelCase identifier/,
  ],
  "environment-constructor": [
    (s) => {
      ext(s).environments = { constructor: s.servers[0].url };
    },
    /environments\/constructor .*property of every JavaScript object/,
  ],
  "body-constant-braces": [
    (s) => {
      bodySchema(s).properties.audience = { type: "string" };
      ext(s).constants = [{ in: "body", name: "audience", value: PAYLOAD }];
    },
    /constants\/0\/value a template's placeholders are \{name\}/,
  ],
  "header-constant-template-injection": [
    (s) => {
      op(s).parameters = [{ in: "header", name: "x-tenant", schema: { type: "string" } }];
      ext(s).constants = [{ in: "header", name: "x-tenant", value: "{constructor}" }];
    },
    /constants\/0\/value \{constructor\} is neither a server variable nor a credential/,
  ],
  "server-url-query": [
    (s) => {
      const url = "https://auth.acme.example/v1?next=https://evil.example#x";
      s.servers[0].url = url;
      ext(s).environments.production = url;
    },
    /servers\/0\/url a server URL has no query or fragment/,
  ],
  "server-variable-proto": [
    (s) => {
      const url = "https://{__proto__}.acme.example";
      s.servers[0].url = url;
      s.servers[0].variables = { __proto__: { default: "x" } };
      ext(s).environments.production = url;
    },
    /servers\/0\/url braces in a server URL must be \{variable\}/,
  ],
  "header-constant-crlf": [
    (s) => {
      op(s).parameters = [{ in: "header", name: "x-tenant", schema: { type: "string" } }];
      ext(s).constants = [{ in: "header", name: "x-tenant", value: "a\r\nX-Injected: 1" }];
    },
    /constants\/0\/value .*printable ASCII/,
  ],
  "header-constant-unicode": [
    (s) => {
      op(s).parameters = [{ in: "header", name: "x-tenant", schema: { type: "string" } }];
      ext(s).constants = [{ in: "header", name: "x-tenant", value: "tenänt\u2028" }];
    },
    /constants\/0\/value .*printable ASCII/,
  ],
  "basic-password-not-secret": [
    (s) => void (ext(s).credentials[1].secret = false),
    /credentials\/1\/secret .*always secret/,
  ],
  "secret-not-boolean": [
    (s) => void (ext(s).credentials[0].secret = "false"),
    /credentials\/0\/secret must be true or false/,
  ],
  "proto-key": [
    (s) => {
      okSchema(s).properties = JSON.parse(
        '{"__proto__": {"type": "string"}, "access_token": {"type": "string"}, "token_type": {"type": "string"}}',
      );
    },
    /properties\/__proto__ a "__proto__" key is not allowed/,
  ],
};

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

async function writeSpec(specs: string, id: string, change: (spec: Spec) => void) {
  const spec = await base();
  change(spec);
  await writeFile(path.join(specs, `${id}.yaml`), stringify(spec, { lineWidth: 0 }));
}

describe("the generator treats a spec as untrusted input", () => {
  it.each(Object.entries(refused))(
    "refuses %s with a problem naming the spec and the place",
    async (id, [change, expected]) => {
      const { root, specs } = await scratchRoot();
      roots.push(root);
      await writeSpec(specs, `hostile-${id}`, change);
      const error = await generate({ specsDir: specs, outRoot: root }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProblemsError);
      const problems = (error as ProblemsError).problems;
      expect(problems.every((p) => p.file.endsWith(`hostile-${id}.yaml`))).toBe(true);
      expect(problems.map((p) => `${p.pointer} ${p.message}`).join("\n")).toMatch(expected);
    },
  );

  it("generates packages from hostile strings that compile and, imported, touch nothing", async () => {
    const { root, specs } = await scratchRoot();
    roots.push(root);
    for (const [id, change] of Object.entries(accepted))
      await writeSpec(specs, `hostile-${id}`, change);
    await generate({ specsDir: specs, outRoot: root });
    const dirs = Object.keys(accepted).map((id) => path.join(root, "packages", `hostile-${id}`));
    // The generator formats less than prettier would re-print (format.ts): with every payload in
    // the prose, the tables and the code, each file is still exactly what prettier prints.
    for (const dir of dirs) expect(await expectPrettierOutput(dir)).toBe(6);
    for (const dir of dirs) await linkDependencies(dir);
    // The strict build users get: emits dist/, fails on any syntax or type error.
    compilePackages(dirs);
    const entries: string[] = [];
    for (const id of Object.keys(accepted)) {
      const dir = path.join(root, "packages", `hostile-${id}`);
      entries.push(pathToFileURL(path.join(dir, "dist/index.js")).href);
      // The README, rendered as a Markdown viewer renders it, holds no HTML and no link from the spec.
      const html = await marked.parse(await readFile(path.join(dir, "README.md"), "utf8"));
      expect(html).not.toMatch(/<script|<img|href="javascript:/i);
      // …and still shows the text: escaped, not dropped.
      if (id === "title") expect(html).toContain("&lt;/script&gt;&lt;script&gt;");
    }
    // The sandbox's data: every document embedded as a literal. Transpiled (its imports are
    // types only) and imported by the same process below.
    const sandboxData = await readFile(
      path.join(root, "packages/sandbox/src/providers.gen.ts"),
      "utf8",
    );
    const ts = createRequire(import.meta.url)("typescript") as typeof import("typescript");
    const transpiled = ts.transpileModule(sandboxData, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      reportDiagnostics: true,
    });
    expect(transpiled.diagnostics ?? []).toEqual([]);
    const sandboxFile = path.join(root, "sandbox-providers.mjs");
    await writeFile(sandboxFile, transpiled.outputText);
    entries.push(pathToFileURL(sandboxFile).href);
    // One real Node process imports every package: nothing may run.
    const script = `globalThis.__pwned = undefined;
      for (const entry of ${JSON.stringify(entries)}) {
        const mod = await import(entry);
        if (typeof mod.createAuth !== "function" && !Array.isArray(mod.providers))
          throw new Error("nothing exported by " + entry);
      }
      process.stdout.write(String(globalThis.__pwned));`;
    const printed = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(printed).toBe("undefined");
  }, 240_000);
});

describe("a spec the generator cannot render", () => {
  it("is a problem naming that spec, not a raw tool error, and nothing is written", async () => {
    const { root, specs } = await scratchRoot();
    roots.push(root);
    await writeSpec(specs, "acme", () => undefined);
    // The token operation is fine; another path points at a schema that does not exist, which
    // only openapi-typescript notices.
    await writeSpec(specs, "broken", (s) => {
      s.paths["/other"] = {
        get: {
          responses: {
            "200": {
              description: "x",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Missing" } } },
            },
          },
        },
      };
    });
    const error = await generate({ specsDir: specs, outRoot: root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemsError);
    const problems = (error as ProblemsError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.file).toMatch(/broken\.yaml$/);
    expect(problems[0]!.message).toMatch(/could not render this spec \(Can't resolve \$ref/);
    expect(await readdir(root)).not.toContain("packages");
  });
});

describe("standard grant URIs generate working packages", () => {
  const grants = {
    "jwt-bearer": "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "token-exchange": "urn:ietf:params:oauth:grant-type:token-exchange",
    "http-grant": "http://auth.acme.example/grants/custom",
  };

  it("generates, compiles and sends each grant to a hand-written token endpoint", async () => {
    const { root, specs } = await scratchRoot();
    roots.push(root);
    for (const [id, grant] of Object.entries(grants))
      await writeSpec(specs, id, (s) => {
        bodySchema(s).properties.grant_type.enum = [grant];
        ext(s).grant = grant;
        op(s).requestBody.content["application/x-www-form-urlencoded"].example.grant_type = grant;
      });
    await generate({ specsDir: specs, outRoot: root });
    const dirs = Object.keys(grants).map((id) => path.join(root, "packages", id));
    for (const dir of dirs) await linkDependencies(dir);
    compilePackages(dirs);
    const received: string[] = [];
    const server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk));
      request.on("end", () => {
        received.push(new URLSearchParams(body).get("grant_type") ?? "");
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            access_token: `t${received.length}`,
            token_type: "Bearer",
            expires_in: 600,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const id of Object.keys(grants)) {
        const dir = path.join(root, "packages", id);
        const { createAuth } = (await import(
          pathToFileURL(path.join(dir, "dist/index.js")).href
        )) as {
          createAuth: (o: object) => {
            getToken(): Promise<{ accessToken: string }>;
            close(): Promise<void>;
          };
        };
        const auth = createAuth({ clientId: "id", clientSecret: "secret", baseUrl });
        expect((await auth.getToken()).accessToken).toMatch(/^t\d$/);
        await auth.close();
      }
    } finally {
      server.close();
    }
    expect(received).toEqual(Object.values(grants));
  }, 240_000);
});
