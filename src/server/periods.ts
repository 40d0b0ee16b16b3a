// Billing periods: the calendar month in an organisation's IANA time zone, as a
// half-open interval of instants [start, end). Pure functions over Intl, so they hold
// across DST changes, half-hour DST (Australia/Lord_Howe), odd offsets
// (Pacific/Chatham +12:45/+13:45, Asia/Kolkata +5:30) and midnights that do not exist
// (a DST gap at 00:00, e.g. America/Asuncion): a period starts at the first instant
// whose local wall time is on or after the 1st at 00:00. Periods of a zone are
// contiguous — one's end is the next one's start — so every instant lands in exactly
// one. Never uses the host's time zone.

export interface Period {
  /** local year-month, `YYYY-MM` */
  key: string;
  /** ms since the epoch, inclusive */
  start: number;
  /** ms since the epoch, exclusive: the start of the next period */
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    if (formatters.size > 1_000) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(timeZone: string, instant: number): Wall {
  const wall: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in wall) wall[part.type as keyof Wall] = Number(part.value);
  }
  return wall;
}

/** The zone's UTC offset at `instant`, in ms (whole seconds: the sub-second part is the instant's). */
function offsetAt(timeZone: string, instant: number): number {
  const w = wallClock(timeZone, instant);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The first instant whose local wall time in `timeZone` is at or after `wall` (a wall time written as UTC ms). */
export function firstInstantAtOrAfter(timeZone: string, wall: number): number {
  const DAY = 86_400_000;
  // A wall time maps to an instant within about ±14 h of it, and zones change offset
  // at most once in a few days, so the offsets a day either side are the candidates.
  const offsets = [...new Set([offsetAt(timeZone, wall - DAY), offsetAt(timeZone, wall + DAY)])];
  const valid = offsets.map((o) => wall - o).filter((t) => offsetAt(timeZone, t) === wall - t);
  if (valid.length > 0) return Math.min(...valid); // an overlap (fall back): the first occurrence
  // A gap (spring forward over `wall`): the transition itself is the first instant after
  // it. Local time is increasing across the gap, so bisect on whole seconds.
  const [a = 0, b = 0] = offsets;
  let lo = Math.floor((wall - Math.max(a, b)) / 1000); // local time there is before `wall`
  let hi = Math.ceil((wall - Math.min(a, b)) / 1000); // and after it here
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const t = mid * 1000;
    if (t + offsetAt(timeZone, t) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

const bounds = new Map<string, Period>();

/** The period of a local calendar month (month 1-12). */
export function monthPeriod(timeZone: string, year: number, month: number): Period {
  const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  const cacheKey = `${timeZone}|${key}`;
  const cached = bounds.get(cacheKey);
  if (cached) return cached;
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const period: Period = {
    key,
    start: firstInstantAtOrAfter(timeZone, Date.UTC(year, month - 1, 1)),
    end: firstInstantAtOrAfter(timeZone, Date.UTC(next.year, next.month - 1, 1)),
  };
  if (bounds.size > 10_000) bounds.clear();
  bounds.set(cacheKey, period);
  return period;
}

const latest = new Map<string, Period>();

/** The period `instant` falls in. */
export function periodAt(timeZone: string, instant: number): Period {
  // Nearly every call asks about "now": answer from the zone's last period when it fits.
  const last = latest.get(timeZone);
  if (last && instant >= last.start && instant < last.end) return last;
  const found = computePeriodAt(timeZone, instant);
  if (latest.size > 1_000) latest.clear();
  latest.set(timeZone, found);
  return found;
}

function computePeriodAt(timeZone: string, instant: number): Period {
  const w = wallClock(timeZone, instant);
  const period = monthPeriod(timeZone, w.year, w.month);
  // Where a fall-back crosses midnight, local wall time briefly returns to the previous
  // month after the period has begun; the interval, not the wall date, decides.
  if (instant >= period.end) return shiftPeriod(timeZone, period.key, 1);
  if (instant < period.start) return shiftPeriod(timeZone, period.key, -1);
  return period;
}

/** The period `by` months after (or before) the one with key `key`. */
export function shiftPeriod(timeZone: string, key: string, by: number): Period {
  const [y, m] = key.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + by;
  return monthPeriod(timeZone, Math.floor(index / 12), (index % 12) + 1);
}

/** The period with key `YYYY-MM`. */
export function periodByKey(timeZone: string, key: string): Period {
  return shiftPeriod(timeZone, key, 0);
}

/** The local calendar day of `instant`, `YYYY-MM-DD`. */
export function localDay(timeZone: string, instant: number): string {
  const w = wallClock(timeZone, instant);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

const ZONE_SHAPE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
let knownZones: Map<string, string> | undefined;

/**
 * The zone's name if it is a real IANA time zone, spelled as the tz database does;
 * null otherwise. Offsets ("+05:30") and POSIX rules are refused: a period needs a
 * zone's whole history, not one offset.
 */
export function normaliseTimeZone(input: string): string | null {
  const name = input.trim();
  if (!ZONE_SHAPE.test(name)) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return null;
  }
  knownZones ??= new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));
  const lower = name.toLowerCase();
  if (lower === 'utc' || lower === 'etc/utc') return 'UTC';
  // Intl accepts aliases (Asia/Kolkata, Europe/Kyiv) that its canonical list spells
  // otherwise; keep the caller's spelling then, it names the same zone.
  return knownZones.get(lower) ?? name;
}
