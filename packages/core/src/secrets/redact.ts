const MARK = "[redacted]";
const MAX_CAUSE_DEPTH = 8;

/**
 * The forms a secret can take once echoed back: as given and in each Unicode normalization form
 * (a provider may store and echo NFC or NFD), each URL- and form-encoded (an echoed request body)
 * and JSON-escaped (an echoed JSON field). Base64 (an echoed `Authorization: Basic` value) is the
 * Basic value, given as a secret of its own.
 */
function variants(secret: string): string[] {
  const forms = new Set<string>();
  for (const form of new Set([
    secret,
    secret.normalize("NFC"),
    secret.normalize("NFD"),
    secret.normalize("NFKC"),
    secret.normalize("NFKD"),
  ])) {
    forms.add(form);
    forms.add(encodeURIComponent(form));
    forms.add(new URLSearchParams({ s: form }).toString().slice(2));
    forms.add(JSON.stringify(form).slice(1, -1));
  }
  return [...forms].filter((form) => form.length > 0);
}

/**
 * Below this length a secret is only scrubbed where it stands alone (not inside a word or a
 * number): a 1–3 character secret scrubbed everywhere would turn every message into
 * `[redacted]` soup, and such a secret is guessable anyway.
 */
const SHORT_SECRET = 4;

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Scrubs secrets from text and errors. `secrets()` is read at each use, so tokens obtained later
 * (the current access and refresh tokens) are covered too.
 */
export interface Redactor {
  text(value: string): string;
  /** Scrubs an error's message, stack, provider-supplied fields and its cause chain, in place. */
  error<E>(error: E): E;
}

export function createRedactor(secrets: () => Iterable<string | undefined>): Redactor {
  const pattern = (): RegExp | undefined => {
    const forms = new Set<string>();
    for (const secret of secrets())
      if (secret) for (const form of variants(secret)) forms.add(form);
    if (forms.size === 0) return undefined;
    // Longest first, so a secret that contains another is scrubbed whole.
    const sorted = [...forms]
      .sort((a, b) => b.length - a.length)
      .map((form) =>
        form.length < SHORT_SECRET
          ? `(?<![\\p{L}\\p{N}])${escape(form)}(?![\\p{L}\\p{N}])`
          : escape(form),
      );
    return new RegExp(sorted.join("|"), "gu");
  };
  const scrub = (value: string, regex: RegExp | undefined) =>
    regex ? value.replace(regex, MARK) : value;

  return {
    text: (value) => scrub(value, pattern()),
    error(error) {
      const regex = pattern();
      if (!regex) return error;
      let current: unknown = error;
      for (
        let depth = 0;
        depth < MAX_CAUSE_DEPTH && typeof current === "object" && current;
        depth++
      ) {
        const target = current as Record<string, unknown>;
        for (const field of ["message", "stack", "oauthError", "oauthErrorDescription"]) {
          const value = target[field];
          if (typeof value !== "string") continue;
          const clean = scrub(value, regex);
          if (clean === value) continue;
          try {
            Object.defineProperty(target, field, {
              value: clean,
              configurable: true,
              writable: true,
            });
          } catch {
            // A frozen foreign error: nothing we can do in place.
          }
        }
        current = target.cause;
      }
      return error;
    },
  };
}
