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
