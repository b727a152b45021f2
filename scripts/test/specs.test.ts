import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generate } from "../src/codegen/generate.ts";
import { REPO_ROOT } from "../src/paths.ts";
import { buildAll, updateProvider } from "../src/specs/specs.ts";

/**
 * The cleaned specs are the overlays applied to the providers' own documents, and a provider's
 * new document goes through `specs:update`: the overlay re-applied, every fix that stopped applying
 * reported as an error (nothing written), the package regenerated and its changeset bump derived
 * from what changed for users.
 */
const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => rm(r, { recursive: true, force: true })));
});

/** A repo-like root with the real specs (upstream, overlays) and their packages, as just released. */
async function released(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "auth-specs-"));
  roots.push(root);
  await cp(path.join(REPO_ROOT, "specs"), path.join(root, "specs"), { recursive: true });
  await cp(path.join(REPO_ROOT, "tsconfig.base.json"), path.join(root, "tsconfig.base.json"));
  await mkdir(path.join(root, ".changeset"));
  await generate({ specsDir: path.join(root, "specs"), outRoot: root, changesets: false });
  return root;
}

const UPSTREAM = "specs/upstream/alternative-payments.md";
async function providerPublishes(root: string, edit: (page: string) => string, name = "new.md") {
  const page = edit(await readFile(path.join(REPO_ROOT, UPSTREAM), "utf8"));
  const file = path.join(root, name);
  await writeFile(file, page);
  return file;
}

describe("pnpm specs", () => {
  it("reproduces every committed spec from its upstream document and overlay", async () => {
    const lines: string[] = [];
    expect(await buildAll(REPO_ROOT, true, (line) => lines.push(line))).toEqual([]);
    expect(lines).toHaveLength(4);
  });

  it("reports a hand edit of a generated spec as drift", async () => {
    const root = await released();
    const spec = path.join(root, "specs/manis.yaml");
    await writeFile(
      spec,
      (await readFile(spec, "utf8")).replace("A token and its absolute expiry.", "Edited."),
    );
    const problems = await buildAll(root, true, () => {});
    expect(problems).toEqual([
      "specs/manis.yaml differs from specs/upstream/manis.md + its overlay; edit the overlay, not the spec, and run `pnpm specs`",
    ]);
  });
});

describe("pnpm specs:update: a provider publishes a new document", () => {
  it("a renamed field: the fix that targeted it no longer applies → an error, nothing written", async () => {
    const root = await released();
    const before = await readFile(path.join(root, "specs/alternative-payments.yaml"), "utf8");
    const file = await providerPublishes(root, (page) =>
      page.replace('"expires_in":{"description"', '"expiresIn":{"description"'),
    );
    const result = await updateProvider(root, "alternative-payments", file);
    expect(result.changed).toEqual([]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toContain(
      "overlay action #22 ($.components.schemas.TokenResponse.properties.expires_in) no longer applies: its target matches nothing",
    );
    expect(result.problems[0]).toContain("It exists because: Annotation junk in the description");
    expect(await readFile(path.join(root, "specs/alternative-payments.yaml"), "utf8")).toBe(before);
    expect(await readFile(path.join(root, UPSTREAM), "utf8")).toBe(
      await readFile(path.join(REPO_ROOT, UPSTREAM), "utf8"),
    );
    expect(await readdir(path.join(root, ".changeset"))).toEqual([]);
  }, 60_000);

  it("a new optional response field: regenerated, minor, and the changeset names it", async () => {
    const root = await released();
    // The provider now publishes the bare OpenAPI JSON instead of a page that embeds it.
    const page = await readFile(path.join(REPO_ROOT, UPSTREAM), "utf8");
    const json = /```json\n([\s\S]*?)\n```/
      .exec(page)![1]!
      .replace(
        '"token_type":{"description"',
        '"scope":{"description":"Granted scopes, space-separated","type":"string"},"token_type":{"description"',
      );
    const file = path.join(root, "openapi.json");
    await writeFile(file, json);
    const result = await updateProvider(root, "alternative-payments", file);
    expect(result.problems).toEqual([]);
    expect(result.changed).toEqual(expect.arrayContaining(["openapi.yaml", "src/schema.gen.ts"]));
    expect(result.changeset).toContain('"@auth/alternative-payments": minor');
    expect(result.changeset).toContain("`TokenResponse` extended");
    expect(await readdir(path.join(root, "specs/upstream"))).toContain("alternative-payments.json");
    expect(await readdir(path.join(root, "specs/upstream"))).not.toContain(
      "alternative-payments.md",
    );
    const schema = await readFile(
      path.join(root, "packages/alternative-payments/src/schema.gen.ts"),
      "utf8",
    );
    expect(schema).toContain("scope?: string;");
  }, 60_000);

  it("a changed server URL: the https fix stops applying → error; after the overlay follows, a patch", async () => {
    const root = await released();
    const moved = (page: string) =>
      page.replace(
        "http://public-api.alternativepayments.io",
        "http://api.alternativepayments.com",
      );
    const file = await providerPublishes(root, moved);
    const refused = await updateProvider(root, "alternative-payments", file);
    expect(refused.problems.join("\n")).toContain(
      "overlay action #3 ($.servers[?(@.url == 'http://public-api.alternativepayments.io')]) no longer applies",
    );

    // The maintainer reviews the new host and moves the fix (and the environment) to it.
    const overlayFile = path.join(root, "specs/overlays/alternative-payments.overlay.yaml");
    await writeFile(
      overlayFile,
      (await readFile(overlayFile, "utf8"))
        .replace("http://public-api.alternativepayments.io", "http://api.alternativepayments.com")
        .replaceAll(
          "https://public-api.alternativepayments.io",
          "https://api.alternativepayments.com",
        ),
    );
    const result = await updateProvider(root, "alternative-payments", file);
    expect(result.problems).toEqual([]);
    expect(result.changed).toEqual(expect.arrayContaining(["src/provider.gen.ts", "openapi.yaml"]));
    expect(result.changeset).toContain('"@auth/alternative-payments": patch');
    expect(result.changeset).toContain("token exchange data changed");
    expect(
      await readFile(path.join(root, "packages/alternative-payments/src/provider.gen.ts"), "utf8"),
    ).toContain("https://api.alternativepayments.com");
  }, 60_000);

  it("a new required parameter the extension does not send: refused before anything is written", async () => {
    const root = await released();
    const before = await readFile(path.join(root, "specs/alternative-payments.yaml"), "utf8");
    const file = await providerPublishes(root, (page) =>
      page.replace(
        '"operationId":"createOAuthToken",',
        '"operationId":"createOAuthToken","parameters":[{"name":"merchant","in":"query","required":true,"schema":{"type":"string"}}],',
      ),
    );
    const result = await updateProvider(root, "alternative-payments", file);
    expect(result.problems.join("\n")).toContain(
      'query parameter "merchant" is required, but x-token-exchange sends no value for it',
    );
    expect(result.problems.join("\n")).toContain("fix the overlay");
    expect(await readFile(path.join(root, "specs/alternative-payments.yaml"), "utf8")).toBe(before);
    expect(await readdir(path.join(root, ".changeset"))).toEqual([]);
  }, 60_000);

  it("refuses an unknown provider and an unreadable file, naming what to do", async () => {
    const root = await released();
    expect((await updateProvider(root, "acme", "x.json")).problems[0]).toContain(
      "create specs/overlays/acme.overlay.yaml first",
    );
    expect(
      (await updateProvider(root, "manis", path.join(root, "missing.json"))).problems[0],
    ).toContain("cannot read");
  }, 60_000);
});
