import { HOURS_PER_WEEK } from '../schema/traffic.js';

export const HOURS_PER_YEAR = 8760;

/**
 * A year (or any span) of hourly demand from the week model: the week repeated, ramped linearly
 * from x1 at the first hour to x`growthFactor` at the last, so year-long plans see growth arrive.
 */
export function repeatWeek(weekRps: ArrayLike<number>, hours = HOURS_PER_YEAR, growthFactor = 1): Float64Array {
  if (weekRps.length !== HOURS_PER_WEEK) throw new Error(`expected ${HOURS_PER_WEEK} hourly values, got ${weekRps.length}`);
  const out = new Float64Array(hours);
  const step = hours > 1 ? (growthFactor - 1) / (hours - 1) : 0;
  for (let h = 0; h < hours; h++) out[h] = weekRps[h % HOURS_PER_WEEK]! * (1 + step * h);
  return out;
}
