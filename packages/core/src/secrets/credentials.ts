import { basicAuthorization } from "./encoding.js";
import type { TokenExchange } from "../contract/exchange.js";
import { optionsError } from "../policy/options.js";

/**
 * Whether a credential is secret: unless the spec marks it `secret: false`, and always for the
 * HTTP Basic password. A credential a spec forgot to mark is kept out of keys, events and errors.
 */
export function isSecret(credential: TokenExchange["credentials"][number]): boolean {
  return (
    credential.secret !== false || (credential.in === "basic" && credential.part === "password")
  );
}

/**
 * A manager's credential values, in the order of `exchange.credentials` (undefined where an
 * optional one was not given). An array, not a record: no name can reach `Object.prototype`, and
 * it costs a tenant a few words.
 */
export type CredentialValues = readonly (string | undefined)[];

/** The value of the Basic header, a secret as a whole even where the user name is not. */
export function basicValue(
  exchange: TokenExchange,
  credentials: CredentialValues,
): string | undefined {
  const parts = ["", ""];
  let any = false;
  exchange.credentials.forEach((c, i) => {
    if (c.in !== "basic" || credentials[i] === undefined) return;
    parts[c.part === "username" ? 0 : 1] = credentials[i];
    any = true;
  });
  return any ? basicAuthorization(parts[0]!, parts[1]!).slice("Basic ".length) : undefined;
}

/** A value no header, query or form field should carry: a trailing newline from a file, usually. */
const LINE_BREAK = /[\r\n\0]/;

/** Printable ASCII: what an HTTP header carries the same way everywhere. */
const HEADER_VALUE = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * Checks credentials against the exchange at creation, so a value HTTP cannot carry is an
 * `invalid_options` naming the option, not a network error on every call.
 */
export function checkCredentials(
  exchange: TokenExchange,
  given: Readonly<Record<string, string | undefined>>,
): CredentialValues {
  const { credentials } = exchange;
  // Exactly sized (a push would reserve 17 slots): a tenant holds this for its life.
  const result = new Array<string | undefined>(credentials.length);
  // Unknown names first (they explain any other error); counting the known ones set makes the
  // common case — nothing unknown — one comparison.
  let known = 0;
  for (let i = 0; i < credentials.length; i++) {
    const { name } = credentials[i]!;
    if (Object.hasOwn(given, name)) {
      result[i] = given[name];
      known++;
    }
  }
  if (Object.keys(given).length !== known)
    for (const name of Object.keys(given))
      if (given[name] !== undefined && !credentials.some((c) => c.name === name))
        throw optionsError(
          `unknown credential "${name}" for ${exchange.provider}; expected ${credentials.map((c) => c.name).join(", ")}`,
        );
  for (let i = 0; i < credentials.length; i++) {
    const credential = credentials[i]!;
    const { name, required } = credential;
    let kept: string | undefined;
    const value = result[i];
    // A PEM key (never sent as such) has line breaks; a value sent on the wire must not.
    if (typeof value === "string" && credential.in !== "none" && LINE_BREAK.test(value))
      throw optionsError(
        `${name} contains a line break or NUL; check the value (a trailing newline from a file?)`,
      );
    if (typeof value === "string" && value) {
      if (credential.in === "header" && !HEADER_VALUE.test(value))
        throw optionsError(
          `${name} is sent in the ${credential.header} header, which carries printable ASCII without leading or trailing spaces; check the value`,
        );
      if (credential.in === "basic" && credential.part === "username" && value.includes(":"))
        throw optionsError(
          `${name} contains ":", which HTTP Basic cannot carry in a user name (RFC 7617); check the value`,
        );
      kept = value;
    } else if (value !== undefined && value !== "") throw optionsError(`${name} must be a string`);
    else if (required)
      throw optionsError(
        `${name} is required for ${exchange.provider}; pass it to createAuth({ ${name}: … })`,
      );
    result[i] = kept;
  }
  return result;
}
