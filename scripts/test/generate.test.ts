import { execFileSync } from "node:child_process";
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generate } from "../src/codegen/generate.ts";
import { ProblemsError } from "../src/codegen/problems.ts";
import { FIXTURES, linkDependencies, scratchRoot } from "./workspace.ts";

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

async function scratch() {
  const made = await scratchRoot();
  roots.push(made.root);
  return made;
}

async function problemsOf(run: Promise<unknown>): Promise<string[]> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemsError);
  return (error as ProblemsError).problems.map((p) => `${p.pointer} ${p.message}`);
}

const acme = () => readFile(path.join(FIXTURES, "acme.yaml"), "utf8");

describe("a new provider needs only a spec", () => {
  it("generates a complete package from the fixture and it type-checks", async () => {
    const { root, specs } = await scratch();
    await cp(path.join(FIXTURES, "acme.yaml"), path.join(specs, "acme.yaml"));
    const results = await generate({ specsDir: specs, outRoot: root });
    expect(results).toEqual([
      expect.objectContaining({ id: "acme", created: true }),
      expect.objectContaining({ id: "sandbox" }),
      expect.objectContaining({ id: "examples" }),
    ]);
    const dir = path.join(root, "packages/acme");
    expect((await readdir(path.join(dir, "src"))).sort()).toEqual([
      "create-auth.gen.ts",
      "index.ts",
      "provider.gen.ts",
      "schema.gen.ts",
    ]);
    const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "@auth/acme",
      type: "module",
      sideEffects: false,
      dependencies: { "@auth/core": "workspace:^" },
    });
    // module-sync first (Node: one instance for import and require), then import, require, default.
    expect(Object.keys(manifest.exports["."])).toEqual([
      "module-sync",
      "import",
      "require",
      "default",
    ]);
    expect(manifest.exports["."].require).toEqual({
      types: "./dist/cjs/index.d.ts",
      default: "./dist/cjs/index.js",
    });
    for (const file of ["src/schema.gen.ts", "src/provider.gen.ts", "src/create-auth.gen.ts"]) {
      expect(await readFile(path.join(dir, file), "utf8")).toMatch(
        /^\/\*\*\n \* This file was auto-generated from .*acme\.yaml/,
      );
    }
    expect(await readFile(path.join(dir, "README.md"), "utf8")).toContain(
      'import { createAuth } from "@auth/acme"',
    );
    const changesets = await readdir(path.join(root, ".changeset"));
    expect(changesets.filter((f) => f.startsWith("generated-acme"))).toEqual(["generated-acme.md"]);
    // The sandbox emulates the new provider from data alone.
    const sandboxData = await readFile(
      path.join(root, "packages/sandbox/src/providers.gen.ts"),
      "utf8",
    );
    expect(sandboxData).toContain("acme: { clientId: string; clientSecret: string }");

    await linkDependencies(dir);
    const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
    execFileSync(process.execPath, [tsc, "--noEmit", "-p", path.join(dir, "tsconfig.json")], {
      stdio: "pipe",
    });
  }, 60_000);

  it("is byte-stable: a rerun changes nothing and writes no changeset", async () => {
    const { root, specs } = await scratch();
    await cp(path.join(FIXTURES, "acme.yaml"), path.join(specs, "acme.yaml"));
    await generate({ specsDir: specs, outRoot: root });
    const again = await generate({ specsDir: specs, outRoot: root });
    expect(again.map((r) => r.changed)).toEqual([[], [], []]);
    expect(await readdir(path.join(root, ".changeset"))).toHaveLength(2);
    expect(await generate({ specsDir: specs, outRoot: root, check: true })).toHaveLength(3);
  });

  it("reuses a rendering only while its inputs are unchanged, and still restores a hand edit", async () => {
    const { root, specs } = await scratch();
    await cp(path.join(FIXTURES, "acme.yaml"), path.join(specs, "acme.yaml"));
    const logged = async (force = false) => {
      const lines: string[] = [];
      const results = await generate({
        specsDir: specs,
        outRoot: root,
        force,
        log: (line) => lines.push(line),
      });
      return { results, reused: lines.find((l) => l.startsWith("reused")) };
    };
    expect((await logged()).reused).toBeUndefined();
    // The lists depend on which packages exist: the first run created one.
    expect((await logged()).reused).toMatch(/^reused 1 of 2 renderings/);
    // Unchanged inputs: the package and the workspace lists come from the cache.
    expect((await logged()).reused).toMatch(/^reused 2 of 2 renderings/);
    expect((await logged(true)).reused).toBeUndefined();
    // A hand edit to a generated file is compared with the cached rendering and overwritten.
    const file = path.join(root, "packages/acme/src/provider.gen.ts");
    const original = await readFile(file, "utf8");
    await writeFile(file, original.replace("export", "// edited\nexport"));
    const edited = await logged();
    expect(edited.reused).toMatch(/^reused 2 of 2/);
    expect(edited.results[0]!.changed).toEqual(["src/provider.gen.ts"]);
    expect(await readFile(file, "utf8")).toBe(original);
    // A changed spec is rendered again (and so are the lists it feeds); another spec is not.
    await cp(path.join(FIXTURES, "acme.yaml"), path.join(specs, "zeta.yaml"));
    expect((await logged()).reused).toMatch(/^reused 1 of 3/);
    await logged();
    await writeFile(
      path.join(specs, "zeta.yaml"),
      (await acme()).replace("A token.", "A fresh token."),
    );
    const changed = await logged();
    expect(changed.reused).toMatch(/^reused 1 of 3/); // acme only
    expect(changed.results.find((r) => r.id === "zeta")!.changed).toContain("src/schema.gen.ts");
    const cache = JSON.parse(
      await readFile(path.join(root, "node_modules/.cache/auth-codegen/render.json"), "utf8"),
    ) as { entries: Record<string, unknown> };
    // Renderings, and the checked model of each spec (reused while its text is unchanged).
    expect(Object.keys(cache.entries).sort()).toEqual([
      "(workspace lists)",
      "acme",
      "model:acme",
      "model:zeta",
      "zeta",
    ]);
  }, 60_000);

  it("reports drift in check mode and writes a changeset when a spec changes", async () => {
    const { root, specs } = await scratch();
    await cp(path.join(FIXTURES, "acme.yaml"), path.join(specs, "acme.yaml"));
    await generate({ specsDir: specs, outRoot: root });
    await writeFile(
      path.join(specs, "acme.yaml"),
      (await acme())
        .replace("version: 1.0.0", "version: 1.1.0")
        .replace("A token.", "A fresh token."),
    );
    const drift = await problemsOf(generate({ specsDir: specs, outRoot: root, check: true }));
    expect(drift.join("\n")).toContain("run `pnpm generate`");
    const results = await generate({ specsDir: specs, outRoot: root });
    expect(results[0]!.changed).toContain("src/schema.gen.ts");
    // One pending changeset per package, updated in place: still the first release's minor.
    const changesets = (await readdir(path.join(root, ".changeset"))).filter((f) =>
      f.startsWith("generated-acme"),
    );
    expect(changesets).toEqual(["generated-acme.md"]);
    const text = await readFile(path.join(root, ".changeset/generated-acme.md"), "utf8");
    expect(text).toContain('"@auth/acme": minor');
    expect(text).toContain("- Generate @auth/acme from");
    expect(text).toContain("- Docs and behaviour (changed: openapi.yaml, src/schema.gen.ts");
  }, 60_000);
});

describe("changesets: one per package, bump from the generated public API", () => {
  /** Generates acme, then "releases" it (no pending changeset), then regenerates from `edit`. */
  async function bumpAfter(edit: (spec: string) => string): Promise<string> {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), await acme());
    await generate({ specsDir: specs, outRoot: root });
    await rm(path.join(root, ".changeset/generated-acme.md"));
    await writeFile(path.join(specs, "acme.yaml"), edit(await acme()));
    await generate({ specsDir: specs, outRoot: root });
    return readFile(path.join(root, ".changeset/generated-acme.md"), "utf8");
  }

  it("docs only → patch", async () => {
    const text = await bumpAfter((spec) =>
      spec.replace("description: A token.", "description: A fresh token."),
    );
    expect(text).toContain('"@auth/acme": patch');
  }, 60_000);

  it("a new optional response field → minor, naming what was extended", async () => {
    const text = await bumpAfter((spec) =>
      spec.replace(
        "                  scope:\n                    type: string\n              example:",
        "                  scope:\n                    type: string\n                  jti:\n                    type: string\n              example:",
      ),
    );
    expect(text).toContain('"@auth/acme": minor');
    expect(text).toContain("`TokenResponse` extended");
  }, 60_000);

  it("a renamed credential option → major, naming what narrowed", async () => {
    const text = await bumpAfter((spec) => spec.replace("name: clientSecret", "name: secretKey"));
    expect(text).toContain('"@auth/acme": major');
    expect(text).toContain("`AcmeCredentials` narrowed");
  }, 60_000);

  it("folds older per-run changesets of a package into its one file", async () => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), await acme());
    await generate({ specsDir: specs, outRoot: root });
    await writeFile(
      path.join(root, ".changeset/generated-acme-0a1b2c3d.md"),
      '---\n"@auth/acme": major\n---\n\nAn older run.\n',
    );
    await generate({ specsDir: specs, outRoot: root });
    expect(
      (await readdir(path.join(root, ".changeset"))).filter((f) => f.includes("acme")),
    ).toEqual(["generated-acme.md"]);
    const text = await readFile(path.join(root, ".changeset/generated-acme.md"), "utf8");
    expect(text).toContain('"@auth/acme": major');
    expect(text).toContain("- An older run.");
  }, 60_000);
});

describe("removing a spec removes its package", () => {
  it("fails the drift check on an orphaned package, then removes it and its changeset", async () => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), await acme());
    await writeFile(path.join(specs, "other.yaml"), await acme());
    await generate({ specsDir: specs, outRoot: root });
    await rm(path.join(specs, "other.yaml"));
    const drift = await problemsOf(generate({ specsDir: specs, outRoot: root, check: true }));
    expect(drift.join("\n")).toContain(
      "generated package without a spec (specs/other.yaml is gone)",
    );
    await generate({ specsDir: specs, outRoot: root });
    expect(await readdir(path.join(root, "packages"))).not.toContain("other");
    expect(await readdir(path.join(root, ".changeset"))).not.toContain("generated-other.md");
    const sandboxData = await readFile(
      path.join(root, "packages/sandbox/src/providers.gen.ts"),
      "utf8",
    );
    expect(sandboxData).not.toContain('"other"');
    await generate({ specsDir: specs, outRoot: root, check: true });
  }, 60_000);
});

describe("bad input: one clear line per problem, nothing written", () => {
  it("rejects each expiry form's misuse at its pointer", async () => {
    const at = "/paths/~1token/post/x-token-exchange/expiry";
    const cases: [string, string, RegExp][] = [
      // A date-time kind on an integer field.
      [
        "kind: relative-seconds",
        "kind: absolute-iso8601",
        /\/field response field "expires_in" must be a string/,
      ],
      [
        "kind: relative-seconds",
        "kind: relative-duration",
        /\/field .*ISO 8601 duration such as PT3600S/,
      ],
      [
        "kind: relative-seconds",
        "kind: relative-weeks",
        /\/kind must be one of relative-seconds, relative-milliseconds, relative-duration/,
      ],
      [
        "kind: relative-seconds",
        "kind: relative-seconds\n          lifetimeSeconds: 0",
        /\/lifetimeSeconds must be a whole number of seconds from 1 to 31536000/,
      ],
      [
        "field: expires_in\n          kind: relative-seconds",
        "jwtExp: false",
        /names no field, no lifetimeSeconds and no jwtExp/,
      ],
    ];
    for (const [from, to, expected] of cases) {
      const { root, specs } = await scratch();
      const text = await acme();
      expect(text).toContain(from);
      await writeFile(path.join(specs, "acme.yaml"), text.replace(from, to));
      const problems = await problemsOf(generate({ specsDir: specs, outRoot: root }));
      expect(problems, to).toHaveLength(1);
      expect(problems[0], to).toMatch(expected);
      expect(problems[0]!.startsWith(at), to).toBe(true);
      // Nothing written.
      expect(await readdir(root)).not.toContain("packages");
    }
  });

  it("names the file and JSON pointer when the extension names a field the 200 schema lacks", async () => {
    const { root, specs } = await scratch();
    await writeFile(
      path.join(specs, "acme.yaml"),
      (await acme()).replace("accessToken: access_token", "accessToken: token"),
    );
    const problems = await problemsOf(generate({ specsDir: specs, outRoot: root }));
    expect(problems).toEqual([
      '/paths/~1token/post/x-token-exchange/response/accessToken response field "token" is not a property of the 200 response schema',
    ]);
  });

  it("reports every inconsistency of the extension", async () => {
    const { root, specs } = await scratch();
    const broken = (await acme())
      .replace("kind: relative-seconds", "kind: sometimes")
      .replace("grant: client_credentials", "grant: password")
      .replace("part: password\n", "part: username\n")
      .replace("production: https://auth.acme.example", "production: https://elsewhere.example");
    await writeFile(path.join(specs, "acme.yaml"), broken);
    const problems = (await problemsOf(generate({ specsDir: specs, outRoot: root }))).join("\n");
    expect(problems).toContain("/x-token-exchange/expiry/kind must be one of");
    expect(problems).toContain(
      '/x-token-exchange/grant grant "password" is not an allowed grant_type',
    );
    expect(problems).toContain(
      "/x-token-exchange/credentials/1/part two credentials are the Basic username",
    );
    expect(problems).toContain("/x-token-exchange/environments/production");
  });

  const fixture = (name: string) => readFile(path.join(FIXTURES, `${name}.yaml`), "utf8");
  const problemsFor = async (name: string, text: string) => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, `${name}.yaml`), text);
    return (await problemsOf(generate({ specsDir: specs, outRoot: root }))).join("\n");
  };

  it("rejects each misuse of server variables and templates at its pointer, writing nothing", async () => {
    const base = await fixture("tenant-host");
    const tenant = "/servers/0/variables/tenant";
    const constants = "/paths/~1oauth2~1token/post/x-token-exchange/constants";
    const cases: [string, string, string][] = [
      // A default that could not stand in a host label.
      [
        "default: acme\n        description: Your merchant's tenant id, as shown in the dashboard.\n        x-pattern",
        "default: acme.evil\n        description: x\n        x-pattern",
        `${tenant}/default "acme.evil" cannot stand in the URL where {tenant} is`,
      ],
      [
        "enum: [eu, us]",
        "enum: [eu, us/x]",
        '/servers/0/variables/region/enum/1 "us/x" cannot stand in the URL',
      ],
      [
        "default: eu\n",
        "default: ap\n",
        "/servers/0/variables/region/default the default must be one of the enum values",
      ],
      [
        'x-pattern: "[a-z][a-z0-9-]{1,30}"\n      region',
        'x-pattern: "[a-z"\n      region',
        `${tenant}/x-pattern must be a regular expression`,
      ],
      [
        "      region:\n        default: eu",
        "      baseUrl:\n        default: eu",
        "/servers/0/url {region} has no entry under variables",
      ],
      [
        "value: https://{tenant}.tenant-host.test/.default",
        "value: https://{tenant}.{merchant}.test",
        `${constants}/0/value {merchant} is neither a server variable nor a credential`,
      ],
      [
        "value: https://{tenant}.tenant-host.test/.default",
        "value: https://{tenant}}.test",
        `${constants}/0/value a template's placeholders are {name}`,
      ],
      [
        "value: 2\n",
        "value: true\n",
        `${constants}/1/value the spec says apiVersion is integer; this constant is a boolean`,
      ],
      [
        "value: urn:tenant-host:merchant:{clientId}",
        "value: 7",
        `${constants}/3/value must be a string (quote numbers and booleans`,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      const problems = await problemsFor("tenant-host", base.replace(from, to));
      expect(problems, to).toContain(expected);
    }
    // A credential and a server variable cannot share an option name.
    const clash = base.replace("- name: clientId", "- name: tenant");
    expect(await problemsFor("tenant-host", clash)).toContain(
      '/credentials/0/name "tenant" is also a server variable',
    );
    // An optional credential would leave a hole in a template.
    const optional = base.replace(
      "part: username\n            secret: false",
      "part: username\n            secret: false\n            required: false",
    );
    expect(optional).not.toBe(base);
    expect(await problemsFor("tenant-host", optional)).toContain(
      "{clientId} is an optional credential: give it a default ({clientId=text}) for when it is left out",
    );
    // With a default, the optional credential is fine.
    const defaulted = optional.replace(
      "value: urn:tenant-host:merchant:{clientId}",
      "value: urn:tenant-host:merchant:{clientId=anonymous}",
    );
    expect(defaulted).not.toBe(optional);
    const ok = await scratch();
    await writeFile(path.join(ok.specs, "tenant-host.yaml"), defaulted);
    await expect(generate({ specsDir: ok.specs, outRoot: ok.root })).resolves.toBeDefined();
  });

  it("rejects each misuse of a signed assertion at its pointer", async () => {
    const base = await fixture("signed-assertion");
    const at = "/paths/~1token/post/x-token-exchange";
    const cases: [string, string, string][] = [
      ["alg: ES256", "alg: HS256", `${at}/assertion/alg must be one of RS256, PS256, ES256`],
      ["use: client-auth", "use: client", `${at}/assertion/use must be "client-auth"`],
      [
        "key: privateKey",
        "key: clientId",
        `${at}/assertion/key must name a secret credential with in: none`,
      ],
      ['sub: "{clientId}"', 'jti: "fixed"', `${at}/assertion/claims/jti jti is set by the signer`],
      [
        'sub: "{clientId}"',
        'sub: "{privateKey}"',
        `${at}/assertion/claims/sub the signing key cannot be part of a claim`,
      ],
      [
        "lifetimeSeconds: 120",
        "lifetimeSeconds: 7200",
        `${at}/assertion/lifetimeSeconds must be a whole number of seconds from 1 to 3600`,
      ],
      [
        'kid: "{keyId}"',
        'kid: "fixed-kid"',
        `${at}/credentials/2/in "keyId" is never sent (in: none) and neither a template, the presentation nor the assertion uses it`,
      ],
      [
        "                client_assertion:\n                  type: string\n",
        "",
        `${at}/assertion the request body schema has no "client_assertion" field`,
      ],
      [
        "            in: none\n            description: The client's ES256",
        "            in: body\n            field: client_id\n            description: The client's ES256",
        `${at}/assertion/key must name a secret credential with in: none`,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      expect(await problemsFor("signed-assertion", base.replace(from, to)), to).toContain(expected);
    }
  });

  it("rejects each misuse of a seeded refresh token at its pointer", async () => {
    const base = await fixture("seeded-refresh");
    const at = "/paths/~1token/post/x-token-exchange";
    const cases: [string, string, string][] = [
      [
        "          refreshLifetimeSeconds: 7776000\n",
        "",
        `${at}/expiry a seeded refresh token needs expiry.refreshLifetimeSeconds`,
      ],
      [
        "refreshLifetimeSeconds: 7776000",
        "refreshLifetimeSeconds: 0.5",
        `${at}/expiry/refreshLifetimeSeconds must be a whole number of seconds from 1 to 157680000`,
      ],
      [
        "            field: refresh_token\n            description: The refresh token",
        "            field: refresh_token\n            secret: false\n            description: The refresh token",
        `${at}/credentials grant and refreshGrant are both "refresh_token": the first refresh token must be a required secret credential`,
      ],
      [
        "        refreshGrant: refresh_token\n",
        "",
        `${at}/expiry/refreshLifetimeSeconds a refresh token's lifetime needs a refreshGrant`,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      expect(await problemsFor("seeded-refresh", base.replace(from, to)), to).toContain(expected);
    }
  });

  it("rejects each misuse of a refresh request of its own at its pointer", async () => {
    const base = await fixture("refresh-endpoint");
    const at = "/paths/~1auth~1login/post/x-token-exchange";
    const cases: [string, string, string][] = [
      [
        "path: /auth/refresh",
        "path: /auth/renew",
        `${at}/refresh/path must name a POST operation of this spec`,
      ],
      [
        "path: /auth/refresh",
        "path: /auth/login",
        `${at}/refresh/path is the token operation itself`,
      ],
      [
        "refreshToken: refreshToken\n          credentials",
        "refreshToken: refresh_token\n          credentials",
        `${at}/refresh/refreshToken field "refresh_token" is not a property of the refresh request body schema`,
      ],
      [
        "{ name: clientId, in: header, header: X-Client-Id }",
        "{ name: merchantId, in: header, header: X-Client-Id }",
        `${at}/refresh/credentials/0 "merchantId" names no credential of the extension`,
      ],
      [
        "{ name: clientId, in: header, header: X-Client-Id }",
        "{ name: clientId, in: header, header: X-Merchant }",
        `${at}/refresh/credentials/0/header header "X-Merchant" is neither an apiKey-in-header security scheme nor a header parameter of the operation`,
      ],
      [
        "            - { name: clientId, in: header, header: X-Client-Id }\n",
        "            - password\n",
        `${at}/refresh/credentials/0/field field "password" is not a property of the request body schema`,
      ],
      [
        "          refreshToken: /data/refreshToken\n",
        "",
        `${at}/response/refreshToken a refresh request needs the response field that carries the refresh token`,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      expect(await problemsFor("refresh-endpoint", base.replace(from, to)), to).toContain(expected);
    }
  });

  it("rejects each misuse of a minted token at its pointer", async () => {
    const base = await fixture("minted-jwt");
    const at = "/x-token-exchange";
    const cases: [string, string, string][] = [
      [
        "  mint:\n",
        "  sign:\n",
        `${at} at the document's root, x-token-exchange describes a token the client signs itself: add mint`,
      ],
      ["    alg: ES256", "    alg: HS256", `${at}/mint/alg must be one of RS256, PS256, ES256`],
      [
        "lifetimeSeconds: 1200",
        "lifetimeSeconds: 86400",
        `${at}/mint/lifetimeSeconds must be a whole number of seconds from 1 to 3600`,
      ],
      [
        "    - name: keyId\n      in: none",
        "    - name: keyId\n      in: query\n      field: key",
        `${at}/credentials/1/in a minted token is sent nowhere`,
      ],
      [
        'iss: "{issuerId}"',
        'iss: "{privateKey}"',
        `${at}/mint/claims/iss the signing key cannot be part of a claim`,
      ],
      [
        '      responses:\n        "200":',
        '      x-token-exchange: {}\n      responses:\n        "200":',
        "/paths/~1v1~1apps/get/x-token-exchange the document's root already has x-token-exchange",
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      expect(await problemsFor("minted-jwt", base.replace(from, to)), to).toContain(expected);
    }
  });

  it("rejects each misuse of computed values at its pointer", async () => {
    const base = await fixture("checksum-pay");
    const at = "/paths/~1v1~1token/post/x-token-exchange/computed";
    const cases: [string, string, string][] = [
      [
        'message: "{clientId}|{timestamp}|{nonce}"',
        'message: "{clientId}|{later}"',
        `${at}/2/message {later} is neither a credential nor an earlier computed value`,
      ],
      ["key: clientSecret", "key: clientId", `${at}/2/key an HMAC key is a secret`],
      [
        "algorithm: SHA-1",
        "algorithm: MD5",
        `${at}/4/algorithm must be one of SHA-1, SHA-256 for a rsa-oaep`,
      ],
      [
        "kind: nonce }",
        "kind: nonce, format: iso8601 }",
        `${at}/1/format only a timestamp has a format`,
      ],
      [
        "field: checksum\n            kind: hmac",
        "field: signature\n            kind: hmac",
        `${at}/2/field must name a field of the request body schema`,
      ],
      [
        "- { name: nonce, in: header, field: X-Nonce, kind: nonce }",
        "- { name: clientId, in: header, field: X-Nonce, kind: nonce }",
        `${at}/1/name "clientId" is already a credential`,
      ],
    ];
    for (const [from, to, expected] of cases) {
      expect(base, from).toContain(from);
      expect(await problemsFor("checksum-pay", base.replace(from, to)), to).toContain(expected);
    }
    // A body value after one that signs the body would change what was signed.
    const moved = base
      .replace(
        '          - name: checksum\n            in: body\n            field: checksum\n            kind: hmac\n            algorithm: SHA-256\n            key: clientSecret\n            message: "{clientId}|{timestamp}|{nonce}"\n',
        "",
      )
      .replace(
        '            message: "{clientId}.{timestamp}"\n',
        '            message: "{clientId}.{timestamp}"\n          - name: checksum\n            in: body\n            field: checksum\n            kind: hmac\n            key: clientSecret\n            message: "{clientId}"\n',
      );
    expect(moved).not.toBe(base);
    expect(await problemsFor("checksum-pay", moved)).toContain(
      `${at}/4/in a body value must come before every value whose message signs {body}`,
    );
  });

  it("rejects a token location the responses do not document", async () => {
    const text = await fixture("text-token");
    const json = text.replace(
      "            text/plain:\n              schema:\n                type: string\n              example: 9f2c7a0e4b1d4c3e8a6f5b2d1c0e9f8a\n",
      "            application/json:\n              schema:\n                type: object\n",
    );
    expect(json).not.toBe(text);
    expect(await problemsFor("text-token", json)).toContain(
      "/responses/200 a token from the body needs a 200 text/plain response",
    );
    const header = await fixture("header-token");
    expect(
      await problemsFor(
        "header-token",
        header.replace("header: X-Subject-Token", "header: X-Token"),
      ),
    ).toContain(
      '/response/accessToken/header the 200 response does not declare the header "X-Token"',
    );
    expect(
      await problemsFor("header-token", header.replace("from: header", "from: cookie")),
    ).toContain('/response/accessToken/from must be "body" (a text/plain token) or "header"');
  });

  it("refuses a documented token type that would become a wrong scheme, and hints at pointers", async () => {
    const momo = await fixture("2momo");
    const mapped = momo.replace(
      "          accessToken: access_token\n        expiry",
      "          accessToken: access_token\n          tokenType: token_type\n        expiry",
    );
    expect(mapped).not.toBe(momo);
    // With the stated scheme the mapping is harmless; without it, every call would say "access_token <jwt>".
    const ok = await scratch();
    await writeFile(path.join(ok.specs, "2momo.yaml"), mapped);
    await expect(generate({ specsDir: ok.specs, outRoot: ok.root })).resolves.toBeDefined();
    const unstated = mapped.replace("        presentation:\n          scheme: Bearer\n", "");
    expect(await problemsFor("2momo", unstated)).toContain(
      '/x-token-exchange/response/tokenType the spec documents the token type "access_token", which would become the scheme of every API call',
    );
    const dotted = (await fixture("envelope")).replace(
      "accessToken: /data/accessToken",
      "accessToken: data.accessToken",
    );
    expect(await problemsFor("envelope", dotted)).toContain(
      'a nested field is a JSON Pointer: write "/data/accessToken"',
    );
  });

  it("catches a required query parameter the exchange never sends (it would not compile)", async () => {
    const text = (await fixture("query-grant")).replace(
      "      parameters:\n",
      "      parameters:\n        - name: shortcode\n          in: query\n          required: true\n          schema:\n            type: string\n",
    );
    expect(await problemsFor("query-grant", text)).toContain(
      '/paths/~1oauth~1v1~1generate/get/parameters query parameter "shortcode" is required, but x-token-exchange sends no value for it',
    );
  });

  it("catches required body fields and header parameters nobody supplies", async () => {
    const text = (await fixture("json-body"))
      .replace(
        "          - in: body\n            name: audience\n            value: payments\n",
        "",
      )
      .replace(
        '          - in: header\n            name: X-Api-Version\n            value: "2"\n',
        "",
      );
    const problems = await problemsFor("json-body", text);
    expect(problems).toContain(
      'the request body requires "audience", but x-token-exchange sends no value for it',
    );
    expect(problems).toContain('header parameter "X-Api-Version" is required');
  });

  it("checks constants against the spec's parameters and allowed values", async () => {
    const text = (await fixture("json-body"))
      .replace("value: payments", "value: everything")
      .replace("name: X-Api-Version\n            value", "name: X-Api-Versoin\n            value");
    const problems = await problemsFor("json-body", text);
    expect(problems).toContain(
      '/constants/0/value "everything" is not allowed by the spec ("payments")',
    );
    expect(problems).toContain('header parameter "X-Api-Version" is required');
  });

  it("checks JSON Pointers into the response, and that a string expiry is numeric", async () => {
    const text = (await fixture("envelope"))
      .replace("accessToken: /data/accessToken", "accessToken: /data/token")
      .replace('                        pattern: "^[0-9]+$"\n', "");
    const problems = await problemsFor("envelope", text);
    expect(problems).toContain(
      '/response/accessToken response field "/data/token": "token" is not a property',
    );
    expect(problems).toContain(
      '/expiry/field response field "/data/expiresIn" must be an integer or number in the 200 schema, or a string with a numeric pattern',
    );
  });

  it("checks failure rules and presentation", async () => {
    const text = (await fixture("ok-failure"))
      .replace(
        'equals: ["429"]',
        'equals: ["429"]\n              kind: sometimes\n            - status: 201',
      )
      .replace(
        "        failures:\n",
        "        presentation:\n          scheme: Basic\n        failures:\n",
      )
      .replace("          message: /responseMessage", "          message: /nowhere");
    const problems = await problemsFor("ok-failure", text);
    expect(problems).toContain(
      "/failures/message /nowhere is not a field of any documented response body",
    );
    expect(problems).toContain("/presentation/scheme Basic carries passwords, not tokens");
    expect(problems).toContain("a rule for a 2xx status needs pointer and equals");
  });

  it("rejects a GET with a body, and a grant placed in a body that does not exist", async () => {
    const text = (await fixture("query-grant"))
      .replace("          in: query\n        response:", "          in: body\n        response:")
      .replace(
        "      responses:\n",
        "      requestBody:\n        content:\n          text/plain:\n            schema:\n              type: string\n      responses:\n",
      );
    const problems = await problemsFor("query-grant", text);
    expect(problems).toContain("a GET token operation cannot have a request body");
    expect(problems).toContain("the token request body must have exactly one media type");
    expect(problems).toContain('field "grant_type" is not a property of the request body schema');
  });

  it("rejects malformed YAML with its line", async () => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), "openapi: 3.1.0\ninfo: [unclosed\n");
    const problems = await problemsOf(generate({ specsDir: specs, outRoot: root }));
    expect(problems[0]).toMatch(/invalid YAML at line \d+/);
  });

  it("rejects http servers, a missing extension and OpenAPI 3.0", async () => {
    const { root, specs } = await scratch();
    const text = (await acme())
      .replace("openapi: 3.1.0", "openapi: 3.0.3")
      .replace("- url: https://auth.acme.example", "- url: http://auth.acme.example")
      .replace("x-token-exchange:", "x-other:");
    await writeFile(path.join(specs, "acme.yaml"), text);
    const problems = (await problemsOf(generate({ specsDir: specs, outRoot: root }))).join("\n");
    expect(problems).toContain("/openapi expected an OpenAPI 3.1 document");
    expect(problems).toContain("/servers/0/url server URL");
    expect(problems).toContain("no operation has an x-token-exchange extension");
  });

  it("rejects duplicate and reserved package names", async () => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), await acme());
    await writeFile(path.join(specs, "Acme.yml"), await acme());
    await writeFile(path.join(specs, "core.yaml"), await acme());
    const problems = (await problemsOf(generate({ specsDir: specs, outRoot: root }))).join("\n");
    expect(problems).toContain("package name @auth/acme is also generated from");
    expect(problems).toContain("package name @auth/core belongs to a hand-written package");
  });

  it("writes nothing at all when any spec is bad, even if others are good", async () => {
    const { root, specs } = await scratch();
    await writeFile(path.join(specs, "acme.yaml"), await acme());
    await writeFile(path.join(specs, "broken.yaml"), "openapi: 3.1.0\n");
    await problemsOf(generate({ specsDir: specs, outRoot: root }));
    expect((await readdir(root)).sort()).toEqual(["specs", "tsconfig.base.json"]);
  });

  it("fails clearly on a missing specs folder", async () => {
    const { root } = await scratch();
    const problems = await problemsOf(
      generate({ specsDir: path.join(root, "nope"), outRoot: root }),
    );
    expect(problems[0]).toContain("specs folder not found");
  });
});
