import { describe, expect, it } from "vitest";
import { createCooldownGate, isTransient } from "./cooldown.js";
import { AuthError, AuthErrorCode } from "../contract/errors.js";

const policy = { baseDelayMs: 250, maxDelayMs: 4_000, credentialFailureTtlMs: 60_000 };
const error = (code: AuthErrorCode, details: ConstructorParameters<typeof AuthError>[2] = {}) =>
  new AuthError(code, code, { provider: "p", ...details });

describe("cooldown gate", () => {
  it("is open until something fails", () => {
    expect(createCooldownGate(policy, () => 0.5).blocked(0)).toBeUndefined();
  });

  it("holds every request until Retry-After, then opens", () => {
    const gate = createCooldownGate(policy, () => 0.5);
    const wait = gate.failed(error("rate_limited", { status: 429, retryAfterMs: 60_000 }), 1_000);
    expect(wait).toBe(60_000);
    expect(gate.blocked(30_000)).toMatchObject({
      credentials: false,
      retryInMs: 31_000,
      error: { code: "rate_limited", status: 429, retryAfterMs: 31_000 },
    });
    expect(gate.blocked(61_000)).toBeUndefined();
  });

  it("backs off exponentially across consecutive failures, and resets on success", () => {
    const gate = createCooldownGate(policy, () => 0.5);
    const outage = error("endpoint_error", { status: 503 });
    expect([1, 2, 3, 4, 5, 6].map(() => gate.failed(outage, 0))).toEqual([
      125, 250, 500, 1_000, 2_000, 2_000,
    ]);
    expect(gate.failures).toBe(6);
    gate.succeeded();
    expect(gate.failures).toBe(0);
    expect(gate.blocked(0)).toBeUndefined();
  });

  it("remembers a credentials failure for its TTL, or until cleared", () => {
    const gate = createCooldownGate(policy, () => 0.5);
    const rejected = error("invalid_credentials", { status: 401 });
    expect(gate.failed(rejected, 0)).toBe(Infinity);
    expect(gate.blocked(59_999)).toMatchObject({ credentials: true, error: rejected });
    expect(gate.blocked(60_000)).toBeUndefined();
    gate.failed(rejected, 100_000);
    gate.clearCredentialsFailure();
    expect(gate.blocked(100_001)).toBeUndefined();
  });

  it("does not cool down after a failure that is not transient", () => {
    const gate = createCooldownGate(policy, () => 0.5);
    for (const code of [
      "invalid_token_response",
      "redirect_refused",
      "response_too_large",
    ] as const)
      expect(gate.failed(error(code, { status: 503 }), 0)).toBe(Infinity);
    expect(gate.blocked(0)).toBeUndefined();
  });

  it("classifies transient failures by code, then status", () => {
    expect(isTransient(error("network_error"))).toBe(true);
    expect(isTransient(error("timeout"))).toBe(true);
    expect(isTransient(error("rate_limited", { status: 429 }))).toBe(true);
    expect(isTransient(error("endpoint_error", { status: 408 }))).toBe(true);
    expect(isTransient(error("endpoint_error", { status: 502 }))).toBe(true);
    expect(isTransient(error("endpoint_error", { status: 404 }))).toBe(false);
    expect(isTransient(error("response_too_large", { status: 503 }))).toBe(false);
  });
});
