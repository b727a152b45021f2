// The edge recipe, run in workerd against the installed tarballs: one client per isolate, at
// module scope; `?waitUntil` hands a background refresh to the platform. Two managers so one
// timeline covers both a refresh kept alive by waitUntil (a) and one lost with its request (b).
import { createAuth } from "@auth/alternative-payments";
import { checkSignedAssertion } from "./assertion-check.mjs";

const managers = {};
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.searchParams.has("assertion"))
      return checkSignedAssertion().then(
        () => Response.json({ ok: true }),
        (error) => Response.json({ ok: false, error: String(error?.message ?? error) }),
      );
    if (url.searchParams.has("mtls")) return mtlsCheck(env);
    const name = url.searchParams.get("m") ?? "a";
    managers[name] ??= createAuth({
      clientId: env.CLIENT_ID,
      clientSecret: env.CLIENT_SECRET,
      baseUrl: env.TOKEN_URL,
      // `?short`: a 2.5 s retry budget, so a refresh that can never settle is given up after 5 s.
      ...(url.searchParams.has("short")
        ? { retry: { maxElapsedMs: 1_500, attemptTimeoutMs: 1_000 } }
        : {}),
    });
    const options = url.searchParams.has("waitUntil")
      ? { waitUntil: (promise) => ctx.waitUntil(promise) }
      : {};
    try {
      const token = await managers[name].getToken(options);
      return Response.json({ ok: true, token: token.accessToken });
    } catch (error) {
      return Response.json({
        ok: false,
        error: `${error?.constructor?.name}: ${error?.code ?? ""} ${String(error?.message).slice(0, 160)}`,
      });
    }
  },
};

/**
 * A client certificate (RFC 8705) the workerd way: the manager's `fetch` is an mTLS binding's
 * (here an external service with a client keypair; Cloudflare's mtls_certificates binding in a
 * deployment). A binding without the certificate must get no token.
 */
async function mtlsCheck(env) {
  const auth = (binding) =>
    createAuth({
      clientId: env.MTLS_CLIENT_ID,
      clientSecret: env.MTLS_CLIENT_SECRET,
      baseUrl: "https://bank.example",
      fetch: (input, init) => binding.fetch(input, init),
      retry: { maxAttempts: 1 },
    });
  try {
    const token = await auth(env.BANK).getToken();
    const refused = await auth(env.BANK_WITHOUT_CERTIFICATE)
      .getToken()
      .then(
        () => "a token",
        (error) => error.code,
      );
    const ok = token.accessToken === "mtls-token" && refused === "network_error";
    return Response.json(
      ok ? { ok } : { ok, error: `certified ${token.accessToken}, uncertified ${refused}` },
    );
  } catch (error) {
    return Response.json({ ok: false, error: `${error?.code ?? ""} ${String(error?.message)}` });
  }
}
