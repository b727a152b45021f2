// jest 30, default configuration, CommonJS test file: the packages as a NestJS-style backend's
// test suite loads them (through the `require` condition: jest's own module runtime cannot
// require() ES modules before Node 24.9).
const {
  AuthError,
  AuthErrorCode,
  MemoryTokenStore,
  authFetch,
  createAuth,
} = require("@auth/alternative-payments");
const core = require("@auth/core");
const { startSandbox } = require("@auth/sandbox");

const id = "alternative-payments";
let sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: [id] });
});
afterAll(() => sandbox.close());

const options = (overrides = {}) => ({
  ...sandbox.credentials[id],
  baseUrl: sandbox.baseUrls[id],
  ...overrides,
});

test("loads the CommonJS copy, with one core", () => {
  expect(require.resolve("@auth/core")).toMatch(/dist[\\/]cjs[\\/]index\.js$/);
  expect(AuthError).toBe(core.AuthError);
  expect(AuthErrorCode.InvalidCredentials).toBe("invalid_credentials");
});

test("a token, then the cache", async () => {
  const auth = createAuth(options({ store: new MemoryTokenStore() }));
  const token = await auth.getToken();
  expect(token.accessToken.length).toBeGreaterThan(10);
  await Promise.all(Array.from({ length: 20 }, () => auth.getToken()));
  expect(sandbox.stats[id].tokenRequests).toBe(1);
  await auth.close();
});

test("authFetch replays once after a revoked token", async () => {
  const auth = createAuth(options());
  const api = authFetch(auth);
  expect((await api(`${sandbox.baseUrls[id]}/api/ping`)).status).toBe(200);
  const before = sandbox.stats[id].tokenRequests;
  sandbox.revokeTokens(id);
  expect((await api(`${sandbox.baseUrls[id]}/api/ping`)).status).toBe(200);
  expect(sandbox.stats[id].tokenRequests).toBe(before + 1);
  await auth.close();
});

test("a typed credentials failure, never retried", async () => {
  const auth = createAuth(options({ clientSecret: "wrong" }));
  const error = await auth.getToken().catch((caught) => caught);
  expect(error).toBeInstanceOf(AuthError);
  expect(AuthError.isInstance(error)).toBe(true);
  expect(error.code).toBe(AuthErrorCode.InvalidCredentials);
  await auth.close();
});
