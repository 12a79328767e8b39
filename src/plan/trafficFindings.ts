import type { Findings } from '../schema/findings.js';
import { HOURS_PER_WEEK, type WeeklyTraffic } from '../schema/traffic.js';
import { InputError } from '../util/errors.js';

/**
 * A week model from a live fleet's findings (`rightsize --out`): each hour of the week gets the
 * peak demand rightsize observed in it, the figure its recommended instances were sized for, so
 * `plan --traffic-from` sizes other candidates for the same observed load. As with a CSV of
 * counts, an hour of the week the window never saw is an error, not a guess.
 */
export function trafficFromFindings(findings: Findings, path: string): WeeklyTraffic {
  const missing = findings.weekly.peakRps.filter((v) => v === null).length;
  if (missing > 0) {
    throw new InputError(
      `findings '${path}' cover ${HOURS_PER_WEEK - missing} of the ${HOURS_PER_WEEK} hours of the week (window ${findings.window.start} to ${findings.window.end})`,
      'run rightsize with --lookback 7d or more so every hour of the week is observed',
    );
  }
  return {
    kind: 'weekly',
    hourlyRps: findings.weekly.peakRps.map((v) => v ?? 0),
    growthFactor: 1,
    derivedFrom: `hourly ${findings.window.peakStat} demand of fleet ${findings.fleet.name} from ${path} (${findings.window.start} to ${findings.window.end})`,
  };
}
