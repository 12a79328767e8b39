import { HOURS_PER_WEEK, WEEKDAYS, type WeeklyTraffic } from '../schema/traffic.js';
import { InputError } from '../util/errors.js';

/**
 * A week model from observed traffic: a CSV of per-minute request counts, `timestamp,requests`
 * (header optional; ISO 8601 timestamps, UTC when they carry no offset). Each hour of the week
 * gets the peak minute seen in that hour (as requests per second) across all weeks in the file:
 * capacity must cover the busiest minute, not the hour's average. An hour of the week with no
 * observation is an error, not a guess.
 */
export function trafficFromCsv(text: string, path: string): WeeklyTraffic {
  const peak = new Float64Array(HOURS_PER_WEEK).fill(Number.NaN);
  let minutes = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [stamp, countText, ...rest] = line.split(',').map((f) => f.trim());
    const where = `traffic CSV '${path}' line ${i + 1}`;
    if (minutes === 0 && countText !== undefined && Number.isNaN(Number(countText)) && Number.isNaN(Date.parse(stamp ?? ''))) continue; // header
    if (countText === undefined || rest.length > 0) throw new InputError(`${where}: expected 'timestamp,requests'`, 'one row per minute, e.g. 2026-11-02T09:00:00Z,7200');
    const count = Number(countText);
    if (!Number.isFinite(count) || count < 0) throw new InputError(`${where}: requests '${countText}' must be a count >= 0`);
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(stamp!) ? stamp! : `${stamp}Z`);
    if (Number.isNaN(ms)) throw new InputError(`${where}: timestamp '${stamp}' is not ISO 8601`, 'e.g. 2026-11-02T09:00:00Z');
    const date = new Date(ms);
    const hourOfWeek = ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
    const rps = count / 60;
    const seen = peak[hourOfWeek]!;
    peak[hourOfWeek] = Number.isNaN(seen) ? rps : Math.max(seen, rps);
    minutes += 1;
    first = Math.min(first, ms);
    last = Math.max(last, ms);
  }
  const missing = [...peak.keys()].filter((h) => Number.isNaN(peak[h]!));
  if (missing.length > 0) {
    const h = missing[0]!;
    throw new InputError(
      `traffic CSV '${path}': no observations for ${missing.length} of the ${HOURS_PER_WEEK} hours of the week (first: ${WEEKDAYS[Math.floor(h / 24)]} ${String(h % 24).padStart(2, '0')}:00 UTC)`,
      'supply at least one full week of per-minute counts, or use a traffic model (peakRps/offPeakRps)',
    );
  }
  return {
    kind: 'weekly',
    hourlyRps: [...peak],
    growthFactor: 1,
    derivedFrom: `peak minute of each hour in ${path} (${minutes} minutes, ${new Date(first).toISOString()} to ${new Date(last).toISOString()})`,
  };
}
