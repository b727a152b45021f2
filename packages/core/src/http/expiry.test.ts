import { describe, expect, it } from "vitest";
import { computeExpiry, jwtExpiry } from "./expiry.js";
import { isoDateTimeExpiry, isoDurationExpiry } from "./expiry-readers.js";
import { DEFAULT_TIMING } from "../policy/defaults.js";
import { schedule } from "../policy/timing.js";

const base = {
  accessToken: "opaque",
  startedAt: 1_000_000,
  receivedAt: 1_002_000,
  dateHeader: null,
  defaultTtlMs: 300_000,
};

describe("computeExpiry", () => {
  it("reads relative seconds from the request start", () => {
    expect(
      computeExpiry({
        ...base,
        body: { expires_in: 60 },
        field: "expires_in",
        kind: "relative-seconds",
      }),
    ).toEqual({ ok: true, expiresAt: 1_060_000, capped: false });
    expect(
      computeExpiry({
        ...base,
        body: { expires_in: "60" },
        field: "expires_in",
        kind: "relative-seconds",
      }),
    ).toMatchObject({ expiresAt: 1_060_000 });
  });

  it("decides seconds or milliseconds by magnitude, or as the spec says", () => {
    const now = Date.UTC(2026, 0, 1);
    const at = { ...base, startedAt: now, receivedAt: now };
    const inSeconds = now / 1000 + 600;
    expect(
      computeExpiry({ ...at, body: { e: inSeconds }, field: "e", kind: "absolute-auto" }),
    ).toMatchObject({ expiresAt: now + 600_000 });
    expect(
      computeExpiry({ ...at, body: { e: now + 600_000 }, field: "e", kind: "absolute-auto" }),
    ).toMatchObject({ expiresAt: now + 600_000 });
    expect(
      computeExpiry({ ...at, body: { e: inSeconds }, field: "e", kind: "absolute-seconds" }),
    ).toMatchObject({ expiresAt: now + 600_000 });
    expect(
      computeExpiry({
        ...at,
        body: { e: now + 600_000 },
        field: "e",
        kind: "absolute-milliseconds",
      }),
    ).toMatchObject({ expiresAt: now + 600_000 });
  });

  it("corrects absolute expiry for the server's clock skew using Date", () => {
    const local = Date.UTC(2026, 0, 1, 12, 0, 0);
    const serverNow = local + 120_000; // server clock 2 min ahead
    const result = computeExpiry({
      ...base,
      startedAt: local,
      receivedAt: local,
      dateHeader: new Date(serverNow).toUTCString(),
      body: { e: (serverNow + 600_000) / 1000 },
      field: "e",
      kind: "absolute-seconds",
    });
    // Date says 12:02:00 and the server's instant may be up to 1 s past it: of the skews the
    // header allows (120 s to 121 s), the one that dates expiry earliest.
    expect(result).toMatchObject({ ok: true, expiresAt: local + 599_000 });
  });

  it("uses the JWT exp claim, then the default TTL", () => {
    const exp = Math.floor(base.receivedAt / 1000) + 900;
    const jwt = `e30.${Buffer.from(JSON.stringify({ exp })).toString("base64url")}.sig`;
    expect(jwtExpiry(jwt)).toBe(exp);
    expect(
      computeExpiry({
        ...base,
        accessToken: jwt,
        body: {},
        field: "expires_in",
        kind: "relative-seconds",
      }),
    ).toMatchObject({ expiresAt: exp * 1000 });
    expect(
      computeExpiry({ ...base, body: {}, field: "expires_in", kind: "relative-seconds" }),
    ).toEqual({ ok: true, expiresAt: 1_300_000, capped: false });
  });

  it.each([["abc"], [0], [-5], [Number.NaN], [{}]])("rejects the unusable expiry %s", (value) => {
    expect(
      computeExpiry({
        ...base,
        body: { expires_in: value },
        field: "expires_in",
        kind: "relative-seconds",
      }).ok,
    ).toBe(false);
  });

  it("rejects a token already expired on arrival", () => {
    expect(
      computeExpiry({ ...base, body: { e: 10 }, field: "e", kind: "absolute-seconds" }).ok,
    ).toBe(false);
  });

  it("ignores malformed JWTs", () => {
    expect(jwtExpiry("a.b")).toBeUndefined();
    expect(jwtExpiry("a.!!!.c")).toBeUndefined();
    expect(jwtExpiry(`a.${Buffer.from("not json").toString("base64url")}.c`)).toBeUndefined();
    expect(jwtExpiry(`a.${Buffer.from('{"exp":"soon"}').toString("base64url")}.c`)).toBeUndefined();
  });
});

describe("schedule", () => {
  it("refreshes ahead by clamp(25% of lifetime, 30 s, 10 min) with a 30 s / 10% safety margin", () => {
    const middle = () => 0.5;
    expect(schedule(0, 3_600_000, DEFAULT_TIMING, middle)).toEqual({
      refreshAt: 3_000_000,
      usableUntil: 3_570_000,
    });
    expect(schedule(0, 400_000, DEFAULT_TIMING, middle)).toEqual({
      refreshAt: 300_000,
      usableUntil: 370_000,
    });
    expect(schedule(0, 86_400_000, DEFAULT_TIMING, middle)).toEqual({
      refreshAt: 85_800_000,
      usableUntil: 86_370_000,
    });
    expect(schedule(0, 60_000, DEFAULT_TIMING, middle)).toEqual({
      refreshAt: 30_000,
      usableUntil: 54_000,
    });
  });

  it("jitters the window by ±10%", () => {
    expect(schedule(0, 3_600_000, DEFAULT_TIMING, () => 0).refreshAt).toBe(3_060_000);
    expect(schedule(0, 3_600_000, DEFAULT_TIMING, () => 0.999999).refreshAt).toBeCloseTo(
      2_940_000,
      -1,
    );
  });

  it.each([[1e20], [1.8e305], [Number.MAX_VALUE]])(
    "caps the absurd lifetime %s at maxLifetimeMs, so expiresAt stays printable",
    (value) => {
      const result = computeExpiry({
        ...base,
        body: { expires_in: value },
        field: "expires_in",
        kind: "relative-seconds",
        maxLifetimeMs: 3_600_000,
      });
      expect(result).toEqual({
        ok: true,
        expiresAt: base.startedAt + 3_600_000,
        capped: true,
      });
      if (result.ok) expect(() => new Date(result.expiresAt).toISOString()).not.toThrow();
    },
  );

  it("ignores a Date header further off than maxClockSkewMs, and corrects a nearer one", () => {
    const now = Date.UTC(2026, 0, 1);
    const at = { ...base, startedAt: now, receivedAt: now, field: "expiresAt" };
    const inOneHour = { expiresAt: now + 3_600_000 };
    // A proxy's 1970 Date would otherwise turn a 1-hour token into a 56-year one.
    expect(
      computeExpiry({
        ...at,
        body: inOneHour,
        kind: "absolute-milliseconds",
        dateHeader: new Date(0).toUTCString(),
      }),
    ).toMatchObject({ ok: true, expiresAt: now + 3_600_000 });
    // A server whose clock is 2 hours behind: its instants are mapped onto ours.
    expect(
      computeExpiry({
        ...at,
        body: { expiresAt: now - 7_200_000 + 3_600_000 },
        kind: "absolute-milliseconds",
        dateHeader: new Date(now - 7_200_000).toUTCString(),
      }),
    ).toMatchObject({ ok: true, expiresAt: now + 3_599_000 });
  });

  it("takes a slow response or a stalled process for what it is, not for a clock skew", () => {
    const sent = Date.UTC(2026, 0, 1, 12, 0, 0, 400);
    // Same clocks; the server answered at 12:00:00.9 (Date: 12:00:00), and the response was read
    // 5 s later (a loaded machine). Taking Date − receivedAt for a skew would move expiry 5 s
    // past the server's.
    const slow = {
      ...base,
      startedAt: sent,
      receivedAt: sent + 5_000,
      dateHeader: new Date(sent + 500).toUTCString(),
      field: "expiresAt",
      kind: "absolute-milliseconds" as const,
      body: { expiresAt: sent + 500 + 600_000 },
    };
    expect(computeExpiry(slow)).toMatchObject({ ok: true, expiresAt: sent + 500 + 600_000 });
    // A server 30 s behind, read as slowly: still corrected, never later than its own instant.
    const behind = computeExpiry({
      ...slow,
      dateHeader: new Date(sent + 500 - 30_000).toUTCString(),
      body: { expiresAt: sent + 500 - 30_000 + 600_000 },
    });
    expect(behind).toMatchObject({ ok: true });
    const expiresAt = (behind as { expiresAt: number }).expiresAt;
    expect(expiresAt).toBeLessThanOrEqual(sent + 500 + 600_000);
    expect(expiresAt).toBeGreaterThan(sent + 500 + 600_000 - 2_000);
  });
});

describe("computeExpiry: every form providers use", () => {
  const now = Date.UTC(2026, 11, 1, 10, 0, 0);
  const at = { ...base, startedAt: now, receivedAt: now + 200, field: "e" };

  it("reads relative milliseconds and ISO 8601 durations from the request start", () => {
    expect(
      computeExpiry({ ...at, body: { e: 90_000 }, kind: "relative-milliseconds" }),
    ).toMatchObject({ ok: true, expiresAt: now + 90_000 });
    expect(
      computeExpiry({ ...at, body: { e: "90000" }, kind: "relative-milliseconds" }),
    ).toMatchObject({ expiresAt: now + 90_000 });
    for (const [text, ms] of [
      ["PT3600S", 3_600_000],
      ["PT1H", 3_600_000],
      ["PT59M30.5S", 3_570_500],
      ["P1DT2H", 93_600_000],
    ] as const)
      expect(
        computeExpiry({
          ...at,
          body: { e: text },
          kind: "relative-duration",
          reader: isoDurationExpiry,
        }),
        text,
      ).toMatchObject({ ok: true, expiresAt: now + Math.min(ms, DEFAULT_TIMING.maxLifetimeMs) });
  });

  it("reads an RFC 3339 date-time, with any offset, as an absolute instant", () => {
    for (const text of [
      "2026-12-01T11:00:00Z",
      "2026-12-01T11:00:00.000Z",
      "2026-12-01T12:00:00+01:00",
      "2026-12-01 11:00:00z",
    ])
      expect(
        computeExpiry({
          ...at,
          body: { e: text },
          kind: "absolute-iso8601",
          reader: isoDateTimeExpiry,
        }),
        text,
      ).toMatchObject({ ok: true, expiresAt: now + 3_600_000 });
  });

  it("refuses what is not one of them, naming the field", () => {
    const bad = [
      ["absolute-iso8601", "2026-12-01T11:00:00"], // no time zone: ambiguous
      ["absolute-iso8601", "tomorrow"],
      ["absolute-iso8601", 1_764_586_800],
      ["relative-duration", "P"],
      ["relative-duration", "PT"],
      ["relative-duration", "P1M"], // months vary in length
      ["relative-duration", "3600"],
      ["relative-duration", 3600],
      ["relative-milliseconds", "1e5"],
    ] as const;
    const readers = {
      "absolute-iso8601": isoDateTimeExpiry,
      "relative-duration": isoDurationExpiry,
    };
    for (const [kind, value] of bad) {
      const reader = kind === "relative-milliseconds" ? undefined : readers[kind];
      const result = computeExpiry({ ...at, body: { e: value }, kind, reader });
      expect(result.ok, `${kind} ${String(value)}`).toBe(false);
      expect((result as { reason: string }).reason).toContain('"e"');
    }
  });

  it("a text kind without its reader is an error, never a guess", () => {
    const result = computeExpiry({
      ...at,
      body: { e: "2026-12-01T11:00:00Z" },
      kind: "absolute-iso8601",
    });
    expect(result).toEqual({ ok: false, reason: '"e" is not a number' });
  });

  it("uses the lifetime the spec states when the response has none, after a JWT exp", () => {
    const stated = { ...at, field: undefined, kind: "relative-seconds" as const, body: {} };
    expect(computeExpiry({ ...stated, statedLifetimeSeconds: 600 })).toMatchObject({
      ok: true,
      expiresAt: now + 600_000,
    });
    // The field, when present, wins; so does the token's own exp.
    expect(
      computeExpiry({ ...stated, field: "e", body: { e: 60 }, statedLifetimeSeconds: 600 }),
    ).toMatchObject({ expiresAt: now + 60_000 });
    const payload = Buffer.from(JSON.stringify({ exp: (now + 120_000) / 1000 })).toString(
      "base64url",
    );
    expect(
      computeExpiry({ ...stated, accessToken: `e30.${payload}.sig`, statedLifetimeSeconds: 600 }),
    ).toMatchObject({ expiresAt: now + 120_000 });
    // Capped like any lifetime.
    expect(computeExpiry({ ...stated, statedLifetimeSeconds: 30 * 86_400 })).toMatchObject({
      expiresAt: now + DEFAULT_TIMING.maxLifetimeMs,
      capped: true,
    });
  });
});
