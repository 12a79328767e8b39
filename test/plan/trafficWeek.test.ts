import { describe, expect, it } from 'vitest';
import { summarizeTraffic, weeklyDemandRps, weekStartUtc } from '../../src/plan/trafficWeek.js';
import { repeatWeek } from '../../src/plan/trafficYear.js';
import { BusinessHoursTraffic, type TrafficModelInput } from '../../src/schema/traffic.js';

const NOVEMBER = new Date('2026-11-25T12:00:00Z'); // a Wednesday; Europe and the US are on standard time
const JULY = new Date('2026-07-15T12:00:00Z'); // summer time in both

function week(input: Omit<Extract<TrafficModelInput, { kind: 'business-hours' }>, 'kind'>, when = NOVEMBER): Float64Array {
  return weeklyDemandRps(BusinessHoursTraffic.parse({ kind: 'business-hours', ...input }), when);
}
/** UTC hour-of-week: Monday 00:00 UTC is 0. */
const at = (day: number, hour: number): number => day * 24 + hour;

describe('weekly traffic model', () => {
  it('finds the Monday 00:00 UTC that starts the reference week', () => {
    expect(new Date(weekStartUtc(NOVEMBER)).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(weekStartUtc(new Date('2026-11-29T23:59:00Z'))).toISOString()).toBe('2026-11-23T00:00:00.000Z');
  });

  it('puts peak in Mon-Fri 09-18 UTC by default, weekend rps outside business hours on Sat and Sun', () => {
    const w = week({ peakRps: 100, offPeakRps: 20, weekendRps: 5 });
    expect(w).toHaveLength(168);
    expect([w[at(0, 8)], w[at(0, 9)], w[at(0, 17)], w[at(0, 18)]]).toEqual([20, 100, 100, 20]);
    expect(w[at(4, 12)]).toBe(100); // Friday
    expect(w[at(5, 12)]).toBe(5); // Saturday
    expect(w[at(6, 23)]).toBe(5); // Sunday
    // 5 days x 9 hours at peak
    expect([...w].filter((x) => x === 100)).toHaveLength(45);
  });

  it('maps business hours in a time zone onto UTC with that week’s offset (DST)', () => {
    const winter = week({ peakRps: 100, offPeakRps: 20, timeZone: 'Europe/Berlin' });
    expect([winter[at(0, 7)], winter[at(0, 8)], winter[at(0, 16)], winter[at(0, 17)]]).toEqual([20, 100, 100, 20]); // UTC+1
    const summer = week({ peakRps: 100, offPeakRps: 20, timeZone: 'Europe/Berlin' }, JULY);
    expect([summer[at(0, 6)], summer[at(0, 7)], summer[at(0, 15)], summer[at(0, 16)]]).toEqual([20, 100, 100, 20]); // UTC+2
  });

  it('decides weekends by the local day', () => {
    const w = week({ peakRps: 100, offPeakRps: 20, weekendRps: 5, timeZone: 'America/New_York' }); // UTC-5
    expect(w[at(0, 14)]).toBe(100); // Monday 09:00 local
    expect(w[at(0, 3)]).toBe(5); // Sunday 22:00 local
    expect(w[at(5, 1)]).toBe(20); // Friday 20:00 local, although Saturday in UTC
    expect(w[at(5, 5)]).toBe(5); // Saturday 00:00 local
  });

  it('gives a UTC hour that straddles the start or end of business hours the peak (half-hour zones)', () => {
    const w = week({ peakRps: 100, offPeakRps: 20, timeZone: 'Asia/Kolkata' }); // UTC+5:30
    // 09:00 local = 03:30 UTC; 18:00 local = 12:30 UTC
    expect([w[at(0, 2)], w[at(0, 3)], w[at(0, 12)], w[at(0, 13)]]).toEqual([20, 100, 100, 20]);
  });

  it('applies the growth factor to every hour, and to explicit weeks', () => {
    const w = week({ peakRps: 100, offPeakRps: 20, growthFactor: 1.5 });
    expect(w[at(0, 9)]).toBe(150);
    expect(w[at(0, 0)]).toBe(30);
    const explicit = weeklyDemandRps({ kind: 'weekly', hourlyRps: Array.from({ length: 168 }, (_, h) => h), growthFactor: 2 }, NOVEMBER);
    expect(explicit[167]).toBe(334);
  });

  it('summarises the traffic a plan was sized for', () => {
    const model = BusinessHoursTraffic.parse({ kind: 'business-hours', peakRps: 100, offPeakRps: 20, weekendRps: 5 });
    const summary = summarizeTraffic(model, weeklyDemandRps(model, NOVEMBER), 730);
    // 45 h x 100 + (5 x 24 - 45) h x 20 + 48 h x 5 = 4500 + 1500 + 240 = 6240 over 168 h
    expect(summary).toEqual({
      form: 'business-hours',
      description: '100 req/s Mon-Fri 09-18 UTC, off-peak 20 req/s, weekend 5 req/s',
      hours: 168,
      peakRps: 100,
      meanRps: 6240 / 168,
      minRps: 5,
      growthFactor: 1,
      requestsPerMonth: (6240 / 168) * 3600 * 730,
    });
  });

  it('repeats a week over a year with growth ramping from x1 to the factor', () => {
    const base = new Float64Array(168).fill(10);
    const year = repeatWeek(base, 8760, 1.3);
    expect(year).toHaveLength(8760);
    expect(year[0]).toBe(10);
    expect(year[8759]).toBeCloseTo(13, 10);
    expect(year[4000]!).toBeGreaterThan(year[3000]!);
  });
});
