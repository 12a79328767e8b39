import { describe, expect, it } from 'vitest';
import { trafficFromCsv } from '../../src/plan/trafficCsv.js';
import { parseTrafficText } from '../../src/plan/trafficFile.js';
import { InputError } from '../../src/util/errors.js';

const MONDAY = Date.parse('2026-11-23T00:00:00Z');

/** One row per minute for `weeks` weeks from Monday 00:00 UTC; `count(minute)` gives the requests. */
function csv(weeks: number, count: (minute: number) => number, header = true): string {
  const rows = header ? ['timestamp,requests'] : [];
  for (let m = 0; m < weeks * 7 * 24 * 60; m++) rows.push(`${new Date(MONDAY + m * 60_000).toISOString()},${count(m)}`);
  return rows.join('\n');
}

describe('traffic from a CSV of per-minute counts', () => {
  it('takes the peak minute of each hour of the week, in requests per second, across weeks', () => {
    const model = trafficFromCsv(
      csv(2, (m) => {
        if (m === 30) return 600; // Monday 00:30 of week 1: 10 req/s
        if (m === 7 * 24 * 60 + 9 * 60 + 5) return 1200; // Monday 09:05 of week 2: 20 req/s
        return 60; // 1 req/s
      }),
      'observed.csv',
    );
    expect(model.kind).toBe('weekly');
    expect(model.hourlyRps).toHaveLength(168);
    expect(model.hourlyRps[0]).toBe(10);
    expect(model.hourlyRps[9]).toBe(20);
    expect(model.hourlyRps[10]).toBe(1);
    expect(model.derivedFrom).toMatch(/^peak minute of each hour in observed.csv \(20160 minutes, 2026-11-23T00:00:00.000Z to /);
  });

  it('reads timestamps without an offset as UTC, and honours an explicit offset', () => {
    const rows = csv(1, () => 60, false).split('\n');
    rows[0] = '2026-11-23T00:00:00,6000'; // Monday 00:00 UTC: 100 req/s
    rows[1] = '2026-11-23T10:00:00+09:00,3000'; // = Monday 01:00 UTC: 50 req/s
    const model = trafficFromCsv(rows.join('\n'), 'x.csv');
    expect(model.hourlyRps.slice(0, 2)).toEqual([100, 50]);
  });

  it('refuses to guess hours of the week it has not seen', () => {
    const oneDay = csv(1, () => 60).split('\n').slice(0, 1 + 24 * 60).join('\n');
    expect(() => trafficFromCsv(oneDay, 'day.csv')).toThrow(InputError);
    expect(() => trafficFromCsv(oneDay, 'day.csv')).toThrow(/no observations for 144 of the 168 hours of the week \(first: tue 00:00 UTC\)/);
  });

  it('names the line of a negative count or a bad timestamp', () => {
    expect(() => trafficFromCsv('timestamp,requests\n2026-11-23T00:00:00Z,-5\n', 'neg.csv')).toThrow(/line 2: requests '-5' must be a count >= 0/);
    expect(() => trafficFromCsv('2026-11-23T00:00:00Z,5\nyesterday,5\n', 'bad.csv')).toThrow(/line 2: timestamp 'yesterday' is not ISO 8601/);
  });

  it('is chosen by the .csv extension', () => {
    expect(parseTrafficText(csv(1, () => 120), 'observed.CSV')).toMatchObject({ kind: 'weekly', hourlyRps: Array(168).fill(2) });
  });
});

describe('traffic files (YAML, JSON)', () => {
  it('reads the business-hours form with its defaults, kind inferred', () => {
    expect(parseTrafficText('peakRps: 60\noffPeakRps: 20\ntimeZone: Europe/Berlin\n', 't.yaml')).toEqual({
      kind: 'business-hours',
      peakRps: 60,
      offPeakRps: 20,
      businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09-18' },
      timeZone: 'Europe/Berlin',
      growthFactor: 1,
    });
  });

  it('reads the explicit 168-value form from JSON', () => {
    const model = parseTrafficText(JSON.stringify({ hourlyRps: Array(168).fill(3), growthFactor: 1.1 }), 't.json');
    expect(model).toMatchObject({ kind: 'weekly', growthFactor: 1.1 });
  });

  it.each([
    ['negative rps', 't.json', JSON.stringify({ hourlyRps: [1, 2, 3, -4, ...Array(164).fill(1)] }), /hourlyRps\.3: Too small: expected number to be >=0/],
    ['the wrong number of hours', 't.json', JSON.stringify({ hourlyRps: Array(24).fill(1) }), /hourlyRps: expected 168 values/],
    ['a negative off-peak rate', 't.yaml', 'peakRps: 10\noffPeakRps: -1\n', /offPeakRps: Too small/],
    ['an unknown time zone', 't.yaml', 'peakRps: 10\noffPeakRps: 1\ntimeZone: Mars/Olympus\n', /timeZone: not an IANA time zone/],
    ['reversed business hours', 't.yaml', 'peakRps: 10\noffPeakRps: 1\nbusinessHours: { hours: "18-09" }\n', /businessHours.hours: write hours as 'HH-HH'/],
    ['an unknown key', 't.yaml', 'peakRps: 10\noffPeakRps: 1\npeak: 3\n', /peak: unknown key \(did you mean peakRps\?\)/],
    ['YAML that does not parse', 't.yaml', 'peakRps: [10\n', /traffic 't.yaml' does not parse/],
  ])('rejects %s with the field named', (_what, path, text, message) => {
    expect(() => parseTrafficText(text, path)).toThrow(InputError);
    expect(() => parseTrafficText(text, path)).toThrow(message);
  });
});
