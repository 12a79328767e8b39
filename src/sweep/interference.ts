import type { InterferenceSummary } from '../schema/capacityEstimate.js';
import type { RepeatFigures, SweepConfiguration } from '../schema/sweepResult.js';

/**
 * What a sweep says about its host (pure): how many runs other processes disturbed, and whether
 * the capacity interval came out as narrow as asked. A busy neighbour slows the runs it shares the
 * CPU with, so a capacity measured beside one is understated: the sweep says so in one line rather
 * than absorbing it into the figure.
 */

/** A run is flagged when other processes used at least this share of the host's CPU (on 2 cores, 40% of one). */
export const INTERFERENCE_CPU_PCT = 20;

/** The other processes' CPU of one run, from its windows: whole-host busy minus this process's own, never below 0. */
export function otherCpuPct(windows: readonly { cpuUtilPct?: number; hostCpuUtilPct?: number }[]): number | undefined {
  const others = windows
    .filter((w) => w.cpuUtilPct !== undefined && w.hostCpuUtilPct !== undefined)
    .map((w) => Math.max(0, w.hostCpuUtilPct! - w.cpuUtilPct!));
  return others.length > 0 ? others.reduce((a, b) => a + b, 0) / others.length : undefined;
}

export function interferenceSummary(configurations: readonly SweepConfiguration[], runs: readonly RepeatFigures[]): InterferenceSummary {
  const flagged = runs.filter((r) => r.interference === true);
  const keptFlagged = flagged.filter((r) => r.excluded === undefined);
  const points = configurations.flatMap((c) => c.points);
  const affected = points.filter((p) => p.repeats?.some((r) => r.interference === true && r.excluded === undefined));
  const others = keptFlagged.map((r) => r.otherCpuPct).filter((v): v is number => v !== undefined);
  return {
    thresholdPct: INTERFERENCE_CPU_PCT,
    runsMeasured: runs.length,
    runsFlagged: flagged.length,
    runsKeptFlagged: keptFlagged.length,
    ratesAffected: affected.length,
    ratesMeasured: points.length,
    meanOtherCpuPct: others.length > 0 ? Math.round((others.reduce((a, b) => a + b, 0) / others.length) * 10) / 10 : null,
  };
}

/** "the host was busy: 38% of CPU used by other processes during 4 of 9 rates; capacity may be understated", or undefined. */
export function interferenceWarning(summary: InterferenceSummary): string | undefined {
  if (summary.runsKeptFlagged === 0 || summary.meanOtherCpuPct === null) return undefined;
  return (
    `the host was busy: ${summary.meanOtherCpuPct.toFixed(0)}% of CPU used by other processes during ${summary.ratesAffected} of ` +
    `${summary.ratesMeasured} rates (${summary.runsKeptFlagged} run(s) re-measured and still busy); capacity may be understated`
  );
}

/** One warning per configuration whose interval is wider than asked, or unbounded. */
export function precisionWarnings(configurations: readonly SweepConfiguration[], targetPct: number): string[] {
  const warnings: string[] = [];
  for (const c of configurations) {
    const cap = c.capacity;
    if (!cap || cap.estimateRps === null) continue;
    const interval = `${cap.lowerRps.toFixed(1)}–${cap.upperRps === null ? '?' : cap.upperRps.toFixed(1)} req/s`;
    if (cap.upperRps === null) {
      warnings.push(`${c.label}: the capacity may lie above the highest rate measured (${interval}); give the sweep more --budget`);
    } else if (cap.lowerRps <= 0) {
      warnings.push(`${c.label}: the capacity may lie below the lowest rate measured (${interval}); give the sweep more --budget`);
    } else {
      const halfPct = ((cap.upperRps - cap.lowerRps) / 2 / cap.estimateRps) * 100;
      if (halfPct > targetPct) warnings.push(`${c.label}: the capacity interval ${interval} is ±${halfPct.toFixed(0)}%, wider than the ±${targetPct}% asked; give the sweep more --budget or quiet the host`);
    }
  }
  return warnings;
}
