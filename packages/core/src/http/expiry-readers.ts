import type { ExpiryReader } from "../contract/exchange.js";

/** RFC 3339 date-time (ISO 8601 with a time zone): a date without one is ambiguous, refused. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** ISO 8601 duration in days, hours, minutes and seconds; no months or years, whose length varies. */
const DURATION = /^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * `expiry.kind: absolute-iso8601`: an RFC 3339 date-time with a time zone
 * (`2026-12-01T10:00:00Z`, `…+05:30`), an instant on the server's clock. Generated packages whose
 * spec uses it import it; others do not ship it.
 */
export const isoDateTimeExpiry: ExpiryReader = {
  absolute: true,
  expects: "an ISO 8601 date-time with a time zone",
  read(raw) {
    if (typeof raw !== "string" || !DATE_TIME.test(raw)) return undefined;
    const at = Date.parse(raw.replace(" ", "T"));
    return Number.isFinite(at) ? at : undefined;
  },
};

/**
 * `expiry.kind: relative-duration`: an ISO 8601 duration (`PT3600S`, `PT1H`, `P1DT2H30M`), a
 * lifetime from when the request started.
 */
export const isoDurationExpiry: ExpiryReader = {
  absolute: false,
  expects: "an ISO 8601 duration such as PT3600S",
  read(raw) {
    const match = typeof raw === "string" ? DURATION.exec(raw) : null;
    if (!match) return undefined;
    const [, days = "0", hours = "0", minutes = "0", seconds = "0"] = match;
    return (((+days * 24 + +hours) * 60 + +minutes) * 60 + +seconds) * 1000;
  },
};
