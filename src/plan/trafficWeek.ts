import {
  HOURS_PER_WEEK,
  WEEKDAYS,
  parseHoursRange,
  type BusinessHoursTraffic,
  type TrafficModel,
  type TrafficSummary,
  type Weekday,
} from '../schema/traffic.js';

const MS_PER_HOUR = 3_600_000;
const SHORT_DAY: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** Monday 00:00 UTC of the week containing `date`: the week whose UTC offsets (DST) are used. */
export function weekStartUtc(date: Date): number {
  const day = (date.getUTCDay() + 6) % 7; // Monday = 0
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day);
}

/**
 * Requests per second for each of the 168 UTC hours of the week, growth applied. For the
 * business-hours form, local days and hours are mapped onto UTC with the zone's offsets in the
 * week of `referenceDate` (Intl, so DST and half-hour zones are handled).
 */
export function weeklyDemandRps(model: TrafficModel, referenceDate: Date): Float64Array {
  const week = model.kind === 'weekly' ? Float64Array.from(model.hourlyRps) : businessWeek(model, referenceDate);
  for (let h = 0; h < week.length; h++) week[h] = week[h]! * model.growthFactor;
  return week;
}

function businessWeek(model: BusinessHoursTraffic, referenceDate: Date): Float64Array {
  const range = parseHoursRange(model.businessHours.hours);
  if (!range) throw new Error(`unvalidated business hours '${model.businessHours.hours}'`);
  const days = new Set(model.businessHours.days);
  const format = new Intl.DateTimeFormat('en-US', { timeZone: model.timeZone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' });
  const rpsAt = (ms: number): number => {
    let weekday: Weekday | undefined;
    let hour = 0;
    for (const part of format.formatToParts(ms)) {
      if (part.type === 'weekday') weekday = SHORT_DAY[part.value];
      if (part.type === 'hour') hour = Number(part.value) % 24;
    }
    if (!weekday) throw new Error(`Intl gave no weekday for ${new Date(ms).toISOString()}`);
    if (days.has(weekday) && hour >= range.startHour && hour < range.endHour) return model.peakRps;
    if (weekday === 'sat' || weekday === 'sun') return model.weekendRps ?? model.offPeakRps;
    return model.offPeakRps;
  };
  const start = weekStartUtc(referenceDate);
  const week = new Float64Array(HOURS_PER_WEEK);
  for (let h = 0; h < HOURS_PER_WEEK; h++) {
    // In zones offset by :30 or :45 a UTC hour spans two local hours: take the busier, as capacity must.
    let rps = 0;
    for (const minute of [0, 15, 30, 45]) rps = Math.max(rps, rpsAt(start + h * MS_PER_HOUR + minute * 60_000));
    week[h] = rps;
  }
  return week;
}

export function describeTraffic(model: TrafficModel): string {
  const growth = model.growthFactor !== 1 ? `, x${model.growthFactor} growth` : '';
  if (model.kind === 'weekly') {
    return `${model.derivedFrom ?? '168 hourly values (Monday 00:00 UTC first)'}${growth}`;
  }
  const { peakRps, offPeakRps, weekendRps, businessHours, timeZone } = model;
  if (peakRps === offPeakRps && (weekendRps ?? offPeakRps) === offPeakRps) return `flat ${peakRps} req/s${growth}`;
  const days = formatDays(businessHours.days);
  const weekend = weekendRps !== undefined ? `, weekend ${weekendRps} req/s` : '';
  return `${peakRps} req/s ${days} ${businessHours.hours} ${timeZone}, off-peak ${offPeakRps} req/s${weekend}${growth}`;
}

function formatDays(days: Weekday[]): string {
  const sorted = WEEKDAYS.filter((d) => days.includes(d));
  const first = WEEKDAYS.indexOf(sorted[0]!);
  const contiguous = sorted.every((d, i) => WEEKDAYS.indexOf(d) === first + i);
  const cap = (d: Weekday): string => d[0]!.toUpperCase() + d.slice(1);
  return contiguous && sorted.length > 1 ? `${cap(sorted[0]!)}-${cap(sorted.at(-1)!)}` : sorted.map(cap).join(',');
}

export function summarizeTraffic(model: TrafficModel, demandRps: ArrayLike<number>, monthHours: number): TrafficSummary {
  let peak = 0;
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  for (let h = 0; h < demandRps.length; h++) {
    const rps = demandRps[h]!;
    peak = Math.max(peak, rps);
    min = Math.min(min, rps);
    sum += rps;
  }
  const meanRps = sum / demandRps.length;
  return {
    form: model.kind,
    description: describeTraffic(model),
    hours: demandRps.length,
    peakRps: peak,
    meanRps,
    minRps: min,
    growthFactor: model.growthFactor,
    requestsPerMonth: meanRps * 3600 * monthHours,
  };
}
