// TypeScript compiled as CommonJS (`module: node16` in a CommonJS package, and `module: commonjs`
// with node10 resolution): everything typed from the provider package alone, then run with node.
import {
  AuthError,
  AuthErrorCode,
  authFetch,
  createAuth,
  type GetTokenOptions,
  type TokenManager,
  type TokenResponse,
  type TokenSet,
} from "@auth/alternative-payments";
import { startSandbox } from "@auth/sandbox";

async function main(): Promise<void> {
  const sandbox = await startSandbox({ providers: ["alternative-payments"] });
  const credentials = sandbox.credentials["alternative-payments"];
  const baseUrl = sandbox.baseUrls["alternative-payments"];
  const auth: TokenManager<TokenResponse> = createAuth({ ...credentials, baseUrl });
  const options: GetTokenOptions = { forceRefresh: false };
  const token: TokenSet<TokenResponse> = await auth.getToken(options);
  const status = (await authFetch(auth)(`${baseUrl}/api/ping`)).status;
  const wrong = createAuth({ ...credentials, clientSecret: "wrong", baseUrl });
  const code = await wrong.getToken().then(
    () => "none",
    (error: unknown) => (AuthError.isInstance(error) ? error.code : "untyped"),
  );
  await Promise.all([auth.close(), wrong.close()]);
  await sandbox.close();
  const ok =
    token.accessToken.length > 0 && status === 200 && code === AuthErrorCode.InvalidCredentials;
  console.log(JSON.stringify({ ok, status, code }));
  if (!ok) process.exitCode = 1;
}

void main();
