import { AuthError, AuthErrorCode } from "../contract/errors.js";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_RETRY,
  DEFAULT_STORE_TIMEOUT_MS,
  DEFAULT_TIMING,
} from "./defaults.js";
import type { RetryPolicy } from "./retry.js";
import type { TimingPolicy } from "./timing.js";

export interface Policies {
  readonly timing: TimingPolicy;
  readonly retry: RetryPolicy;
  readonly storeTimeoutMs: number;
  readonly maxResponseBytes: number;
}

interface PolicyOptions {
  readonly timing?: Partial<TimingPolicy> | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly storeTimeoutMs?: number | undefined;
  readonly maxResponseBytes?: number | undefined;
}

export function optionsError(message: string): AuthError {
  return new AuthError(AuthErrorCode.InvalidOptions, message);
}

/** `options`, checked to be an object: anything else is `invalid_options`. */
export function checkObject<T>(options: T): T & object {
  if (typeof options !== "object" || options === null)
    throw optionsError("options must be an object");
  return options;
}

/**
 * `value`, what the caller read as `given[name]`, if it is an own property of `given`, else
 * undefined: nothing a polluted `Object.prototype` carries (`allowInsecureHttp`, `fetch`, `store`,
 * …) is ever taken as an option. Only a value that is set is checked. Callers read each option by
 * a literal name (`own(given, "fetch", given.fetch)`): a loop over names would make every read a
 * megamorphic keyed load, which was most of what creating a manager cost.
 */
export function own<T>(given: object, name: string, value: T): T | undefined {
  return value === undefined || Object.hasOwn(given, name) ? value : undefined;
}

/** A boolean option is `true`, `false` or absent: `"false"` from an env file is refused, not truthy. */
export function booleanOption(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    throw optionsError(
      `${name} must be true or false; got ${typeof value === "string" ? JSON.stringify(value) : typeof value} (parse environment strings before passing them)`,
    );
  return value;
}

/**
 * Merges the defaults with what the caller gave, and rejects what cannot work (a typo'd key, a
 * negative or NaN number) at creation, naming the option, rather than failing later on every call.
 */
export function resolvePolicies(options: PolicyOptions): Policies {
  const timing = merge("timing", DEFAULT_TIMING, options.timing);
  const retry = merge("retry", DEFAULT_RETRY, options.retry);
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1)
    throw optionsError(`retry.maxAttempts must be a whole number ≥ 1; got ${retry.maxAttempts}`);
  for (const name of ["attemptTimeoutMs", "maxElapsedMs"] as const)
    if (!(retry[name] > 0) || !Number.isFinite(retry[name]))
      throw optionsError(`retry.${name} must be a finite number > 0; got ${retry[name]}`);
  for (const name of ["maxLifetimeMs", "defaultTtlMs"] as const)
    if (!(timing[name] > 0) || !Number.isFinite(timing[name]))
      throw optionsError(`timing.${name} must be a finite number > 0; got ${timing[name]}`);
  const storeTimeoutMs = positive(
    "storeTimeoutMs",
    options.storeTimeoutMs,
    DEFAULT_STORE_TIMEOUT_MS,
  );
  const maxResponseBytes = positive(
    "maxResponseBytes",
    options.maxResponseBytes,
    DEFAULT_MAX_RESPONSE_BYTES,
  );
  return { timing, retry, storeTimeoutMs, maxResponseBytes };
}

function merge<T extends object>(name: string, defaults: T, given: Partial<T> | undefined): T {
  if (given === undefined) return defaults;
  if (typeof given !== "object" || given === null)
    throw optionsError(`${name} must be an object of numbers`);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!Object.hasOwn(defaults, key))
      throw optionsError(
        `${name}.${key} is not an option; expected one of ${Object.keys(defaults).join(", ")}`,
      );
    if (typeof value !== "number" || Number.isNaN(value) || value < 0)
      throw optionsError(`${name}.${key} must be a number ≥ 0; got ${String(value)}`);
  }
  return { ...defaults, ...given };
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value))
    throw optionsError(`${name} must be a finite number > 0; got ${String(value)}`);
  return value;
}
