import { AuthError, createTokenManager } from "@auth/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RudeServer, sendJson, startRudeServer } from "./support/rude-server.js";
import { coreExchange } from "./support/targets.js";

// Concern: provider text is cut to 200 characters and folded to printable ASCII before it goes
// into an error. Secrets must be scrubbed before either: a fold turns "pässwörd" into "p?ssw?rd"
// (which no longer matches the secret), and a cut can leave the first part of a secret.

let server: RudeServer;
let said = "";
beforeAll(async () => {
  server = await startRudeServer((_request, response) =>
    sendJson(response, 400, { error: "invalid_request", error_description: said }),
  );
});
afterAll(() => server.close());

async function messageFor(secret: string, echoed: string): Promise<string> {
  said = echoed;
  const auth = createTokenManager({
    exchange: coreExchange,
    credentials: { clientId: "cut-client", clientSecret: secret },
    baseUrl: server.url,
    retry: { maxAttempts: 1 },
  });
  const error = await auth.getToken().catch((e: unknown) => e);
  await auth.close();
  expect(AuthError.isInstance(error)).toBe(true);
  return (error as Error).message;
}

/** Every piece of `secret` of 4 or more characters, as given and folded the way errors fold. */
function pieces(secret: string): string[] {
  const found: string[] = [];
  for (const form of [secret, secret.replace(/[^\x20-\x7e]/g, "?")])
    for (let i = 0; i + 4 <= form.length; i++) found.push(form.slice(i, i + 4));
  return found.filter((piece) => piece !== "????");
}

describe("redaction comes before any cut or fold", () => {
  const unicode = "pässwörd-ünïcödé-Sëcret-42";

  it.each([
    ["as given", unicode],
    ["decomposed (NFD)", unicode.normalize("NFD")],
    ["JSON-escaped by the provider", JSON.stringify(unicode).slice(1, -1)],
  ])("scrubs a Unicode secret echoed %s", async (_how, form) => {
    const message = await messageFor(unicode, `rejected value ${form} now`);
    for (const piece of pieces(unicode)) expect(message).not.toContain(piece);
    expect(message).toContain("[redacted]");
  });

  it("leaves no piece of a secret that straddles the 200-character cut", async () => {
    const secret = "Straddling-Secret-Value-0123456789";
    for (const offset of [180, 190, 195, 198, 199]) {
      const message = await messageFor(secret, `${"x".repeat(offset)}${secret} tail`);
      for (const piece of pieces(secret)) expect(message).not.toContain(piece);
    }
  });

  it("keeps messages readable with a very short secret: scrubbed only where it stands alone", async () => {
    const message = await messageFor("ab", "about the abc client: key ab rejected");
    expect(message).toContain("about the abc client: key [redacted] rejected");
  });
});
