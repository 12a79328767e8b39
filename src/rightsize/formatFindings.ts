import { formatUsd } from '../plan/money.js';
import type { Findings } from '../schema/findings.js';
import { findingsEvidence } from '../schema/findingsText.js';
import { textTable } from '../util/textTable.js';
import { MONTH_HOURS } from '../schema/plan.js';
import type { AlarmSpec } from './alarms.js';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function sourceWords(f: Findings): string {
  const s = f.fleet.source;
  return s.kind === 'asg-alb' ? `ASG ${s.autoScalingGroupName} behind ${s.loadBalancer}` : `SageMaker ${s.endpointName}/${s.variantName}`;
}

/** "90% capacity interval 36.5–45 req/s (estimate 41.2)". */
function intervalText(i: NonNullable<Findings['capacity']['interval']>): string {
  return `${i.confidencePct}% capacity interval ${i.lowerRps}–${i.upperRps === null ? 'unbounded' : i.upperRps} req/s${i.estimateRps === null ? '' : ` (estimate ${i.estimateRps})`}`;
}

/** The text report: what was compared, the findings table, the hour-of-week table, the verdict. */
export function renderFindings(f: Findings): string {
  const c = f.capacity;
  const lines = [
    `fleet ${f.fleet.name}: ${f.fleet.instanceType} in ${f.fleet.region}, ${sourceWords(f)}`,
    `capacity ${c.throughputRps} req/s per instance at ${c.percentile} ${c.latencyMs} ms (${c.id}, ${c.document})${c.interval ? `, the lower end of its ${intervalText(c.interval)}` : ''}; planned at ${Math.round(f.fleet.utilization * 100)}% = ${c.perInstanceRps} req/s, floor ${f.fleet.minInstances}`,
    `window ${f.window.start} to ${f.window.end}: ${f.window.hours} hours of 1-minute data, hourly ${f.window.peakStat}; ${f.window.source}`,
    findingsEvidence(f),
    '',
  ];
  if (f.findings.length === 0) lines.push('no findings: demand, latency and GPU are where the profile says they should be');
  else {
    lines.push(
      ...textTable([
        ['finding', 'risk', 'saving/month', 'reason', 'evidence'],
        ...f.findings.map((x) => [
          x.finding,
          String(x.risk),
          x.estimatedMonthlySavings.value === 0 ? '-' : x.estimatedMonthlySavings.value < 0 ? `-${formatUsd(-x.estimatedMonthlySavings.value)}` : formatUsd(x.estimatedMonthlySavings.value),
          x.reasonCodes.join(', '),
          x.summary,
        ]),
      ]).split('\n'),
    );
    lines.push('', 'what to do:');
    for (const x of f.findings) lines.push(`  ${x.finding}: ${x.recommendation}`);
  }
  lines.push('', 'instances needed by hour of week (UTC; - where the window has no such hour):', ...weeklyTable(f));
  for (const w of f.warnings) lines.push(`warning: ${w}`);
  lines.push('', `verdict: ${f.summary.verdict}`, '');
  return lines.join('\n');
}

function weeklyTable(f: Findings): string[] {
  const hours = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));
  const rows = DAYS.map((day, d) => {
    const cells = f.weekly.recommendedInstances.slice(d * 24, d * 24 + 24).map((n) => (n === null ? ' -' : String(n).padStart(2)));
    return `${day}  ${cells.join(' ')}`;
  });
  return [`     ${hours.join(' ')}`, ...rows];
}

/** --explain: the arithmetic behind the verdict, step by step. */
export function explainFindings(f: Findings): string[] {
  const c = f.capacity;
  const s = f.summary;
  const peakHour = f.hours.find((h) => h.start === s.peakHour);
  const price = f.price.usdPerHour;
  const floorOnly = peakHour ? Math.ceil((peakHour.peakRps / c.perInstanceRps) * (1 - 1e-12)) : 0;
  const lines = [
    'how this was worked out:',
    c.interval
      ? `  1. capacity at the SLA: ${c.throughputRps} req/s per ${f.fleet.instanceType} (${c.id}), the lower end of the sweep's ${intervalText(c.interval)}; over- and under-provisioning are named only outside the interval x utilisation`
      : `  1. capacity at the SLA: ${c.throughputRps} req/s per ${f.fleet.instanceType} at ${c.percentile} ${c.latencyMs} ms (${c.id}, the highest profiled throughput meeting ${c.percentile}<=${f.fleet.sla.maxLatencyMs}ms${c.meetsSla ? '' : ': none does, so the closest point'})`,
    `  2. planned per instance: ${c.throughputRps} x ${f.fleet.utilization} utilisation = ${c.perInstanceRps} req/s`,
    `  3. demand per minute = requests in the minute / 60; a minute without a datapoint had no requests`,
    `  4. each clock hour's peak = the ${f.window.peakStat === 'max' ? 'highest minute' : '99th percentile of its minutes'}; instances needed = max(floor ${f.fleet.minInstances}, ceil(peak / ${c.perInstanceRps}))`,
  ];
  if (peakHour) {
    lines.push(
      `  5. the peak hour ${peakHour.start}: ${peakHour.peakRps} req/s -> ceil(${peakHour.peakRps} / ${c.perInstanceRps}) = ${floorOnly} -> max(${f.fleet.minInstances}, ${floorOnly}) = ${s.neededInstances} instances`,
    );
  }
  lines.push(
    `  6. instances running: ${f.window.instancesFrom}, averaged per hour; at most ${s.runningInstances ?? 'unknown'}`,
    `  7. static saving = sum over hours of max(0, running - ${s.neededInstances}) x $${price}/h x ${MONTH_HOURS} h / hours observed = ${formatUsd(s.staticSavingsUsdPerMonth)}/month`,
    `  8. scheduled saving = the same with each hour's own need (the hour-of-week table) = ${formatUsd(s.scheduledSavingsUsdPerMonth)}/month`,
  );
  return lines;
}

/** --create-alarms: one line per alarm, what it watches and when it fires. */
export function renderAlarms(specs: AlarmSpec[], status: (name: string) => string): string {
  const lines: string[] = [];
  for (const { input: a } of specs) {
    const metric = a.Metrics
      ? (a.Metrics.find((m) => m.ReturnData)?.Expression ?? '')
      : `${a.Namespace} ${a.MetricName} ${a.ExtendedStatistic ?? a.Statistic}`;
    const op = { GreaterThanThreshold: '>', GreaterThanOrEqualToThreshold: '>=', LessThanThreshold: '<' }[a.ComparisonOperator];
    const period = a.Period ?? a.Metrics?.find((m) => m.MetricStat)?.MetricStat?.Period ?? 60;
    lines.push(`${status(a.AlarmName)} ${a.AlarmName}`);
    lines.push(`    ${metric} ${op} ${a.Threshold}, ${a.DatapointsToAlarm} of ${a.EvaluationPeriods} x ${period} s, missing data ${a.TreatMissingData}${a.EvaluateLowSampleCountPercentile ? `, low-sample percentiles ${a.EvaluateLowSampleCountPercentile}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}
