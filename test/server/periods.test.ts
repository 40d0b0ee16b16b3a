// Period arithmetic on its own: month bounds in awkward time zones checked against
// instants worked out by hand from the tz database (an independent oracle), and a
// property test that periods tile time — every instant in exactly one, each ending
// where the next begins, each beginning at local midnight on the 1st.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDay, monthPeriod, normaliseTimeZone, periodAt, shiftPeriod } from '../../src/server/periods';

// [zone, year, month, start of that month as a UTC instant]
const BOUNDS: [string, number, number, string][] = [
  ['UTC', 2027, 1, '2027-01-01T00:00:00.000Z'],
  ['UTC', 2028, 3, '2028-03-01T00:00:00.000Z'], // after a leap day
  ['America/New_York', 2026, 3, '2026-03-01T05:00:00.000Z'], // EST; DST starts 8 March
  ['America/New_York', 2026, 4, '2026-04-01T04:00:00.000Z'], // EDT
  ['America/New_York', 2026, 11, '2026-11-01T04:00:00.000Z'], // EDT; DST ends that very day at 02:00
  ['America/New_York', 2026, 12, '2026-12-01T05:00:00.000Z'], // EST
  ['Asia/Kolkata', 2027, 1, '2026-12-31T18:30:00.000Z'], // +05:30
  ['Pacific/Chatham', 2026, 4, '2026-03-31T10:15:00.000Z'], // +13:45; DST ends 5 April
  ['Pacific/Chatham', 2026, 5, '2026-04-30T11:15:00.000Z'], // +12:45
  ['Pacific/Chatham', 2026, 9, '2026-08-31T11:15:00.000Z'], // +12:45; DST starts 27 September
  ['Pacific/Chatham', 2026, 10, '2026-09-30T10:15:00.000Z'], // +13:45
  ['Australia/Lord_Howe', 2026, 4, '2026-03-31T13:00:00.000Z'], // +11; half-hour DST ends 5 April
  ['Australia/Lord_Howe', 2026, 5, '2026-04-30T13:30:00.000Z'], // +10:30
  ['Australia/Lord_Howe', 2026, 10, '2026-09-30T13:30:00.000Z'], // +10:30; DST starts 4 October
  ['Australia/Lord_Howe', 2026, 11, '2026-10-31T13:00:00.000Z'], // +11
  // Midnight did not exist: Paraguay sprang from 00:00 to 01:00 on 1 October 2023.
  ['America/Asuncion', 2023, 10, '2023-10-01T04:00:00.000Z'],
];

describe('periods', () => {
  it.each(BOUNDS)('%s %i-%i starts at %s', (zone, year, month, start) => {
    const p = monthPeriod(zone, year, month);
    expect(new Date(p.start).toISOString()).toBe(start);
    expect(p.key).toBe(`${year}-${String(month).padStart(2, '0')}`);
    const t = Date.parse(start);
    expect(periodAt(zone, t).key).toBe(p.key);
    expect(periodAt(zone, t - 1).key).toBe(shiftPeriod(zone, p.key, -1).key);
    expect(periodAt(zone, t - 1).end).toBe(t);
  });

  it('a period that spans a DST change is an hour (or half an hour) shorter or longer', () => {
    const len = (zone: string, y: number, m: number) => {
      const p = monthPeriod(zone, y, m);
      return (p.end - p.start) / 3_600_000;
    };
    expect(len('America/New_York', 2026, 3)).toBe(31 * 24 - 1);
    expect(len('America/New_York', 2026, 11)).toBe(30 * 24 + 1);
    expect(len('Australia/Lord_Howe', 2026, 4)).toBe(30 * 24 + 0.5);
    expect(len('Australia/Lord_Howe', 2026, 10)).toBe(31 * 24 - 0.5);
    expect(len('Pacific/Chatham', 2026, 9)).toBe(30 * 24 - 1);
    expect(len('Asia/Kolkata', 2026, 2)).toBe(28 * 24);
  });

  it('local days follow the zone', () => {
    expect(localDay('Asia/Kolkata', Date.parse('2026-12-31T18:29:59.999Z'))).toBe('2026-12-31');
    expect(localDay('Asia/Kolkata', Date.parse('2026-12-31T18:30:00.000Z'))).toBe('2027-01-01');
  });

  it('accepts IANA zones, refuses offsets, rules and nonsense', () => {
    expect(normaliseTimeZone('UTC')).toBe('UTC');
    expect(normaliseTimeZone('etc/utc')).toBe('UTC');
    expect(normaliseTimeZone('america/new_york')).toBe('America/New_York');
    expect(normaliseTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    expect(normaliseTimeZone('Pacific/Chatham')).toBe('Pacific/Chatham');
    for (const bad of [
      '',
      '+05:30',
      'GMT+5:30',
      'Mars/Olympus',
      'America/New York',
      '../etc/passwd',
      'UTC; DROP',
    ])
      expect(normaliseTimeZone(bad)).toBeNull();
  });

  const ZONES = [
    'UTC',
    'America/New_York',
    'America/Santiago',
    'America/Asuncion',
    'America/Havana',
    'Europe/London',
    'Europe/Dublin',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'Asia/Tehran',
    'Australia/Lord_Howe',
    'Australia/Adelaide',
    'Pacific/Chatham',
    'Pacific/Apia',
    'Pacific/Kiritimati',
    'America/St_Johns',
  ];

  it('periods tile time: every instant in exactly one, each starting at local midnight on the 1st', () => {
    const wall = (zone: string, t: number) =>
      new Intl.DateTimeFormat('en-CA', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      }).format(t);
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2060-01-01') }),
        (zone, t) => {
          const p = periodAt(zone, t);
          expect(p.start).toBeLessThanOrEqual(t);
          expect(t).toBeLessThan(p.end);
          const next = shiftPeriod(zone, p.key, 1);
          expect(next.start).toBe(p.end);
          expect(periodAt(zone, p.end - 1).key).toBe(p.key);
          expect(periodAt(zone, p.end).key).toBe(next.key);
          const [y, m] = p.key.split('-');
          // At the start the local clock reads the 1st (00:00, or later if midnight was skipped)…
          expect(wall(zone, p.start).startsWith(`${y}-${m}-01`)).toBe(true);
          // …and a millisecond earlier it was still the previous month.
          expect(wall(zone, p.start - 1).startsWith(`${y}-${m}-01`)).toBe(false);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
