import type { ComparisonEntry, Plan, PlanCandidate } from '../schema/plan.js';
import { compareMeasured, type Verdict } from '../util/stats/verdict.js';
import type { CandidateInput } from './candidates.js';
import { formatUsd, roundCents, roundTo } from './money.js';

/**
 * The plan's comparisons: each document's best against the first's (`plan --compare`, with the
 * one verdict on their capacities where both were measured here), and each candidate on EC2
 * against SageMaker (`--platform both`).
 */

/** A candidate as the planner ranked it. */
export interface Scored {
  doc: PlanCandidate;
  input: CandidateInput;
  /** Unrounded, for comparisons. */
  usdPerMonth: number;
  missRatio: number;
}

/** Each candidate priced on both platforms: what SageMaker's endpoints cost over EC2 for the same fleet. */
export function comparePlatforms(candidates: CandidateInput[], scored: Scored[]): NonNullable<Plan['platformComparison']> {
  const byId = new Map(scored.map((s) => [s.doc.id, s]));
  return candidates.flatMap((c) => {
    const ec2 = byId.get(`${c.id}@ec2`);
    const sagemaker = byId.get(`${c.id}@sagemaker`);
    if (!ec2 || !sagemaker) return [];
    const difference = sagemaker.usdPerMonth - ec2.usdPerMonth;
    const pct = ec2.usdPerMonth > 0 ? ` (${difference >= 0 ? '+' : '-'}${Math.round(Math.abs(difference / ec2.usdPerMonth) * 100)}%)` : '';
    const fleet = `${sagemaker.doc.peakInstances} x ${sagemaker.doc.instanceType} against ${ec2.doc.peakInstances} x ${ec2.doc.instanceType}`;
    const verb = difference >= 0 ? `costs ${formatUsd(roundCents(difference))}/month more` : `costs ${formatUsd(roundCents(-difference))}/month less`;
    return [
      {
        ec2: ec2.doc.id,
        sagemaker: sagemaker.doc.id,
        ec2UsdPerMonth: ec2.doc.usdPerMonth,
        sagemakerUsdPerMonth: sagemaker.doc.usdPerMonth,
        differenceUsdPerMonth: roundCents(difference),
        sentence: `${c.id} on SageMaker real-time endpoints ${verb} than on EC2${pct}: ${fleet}`,
      },
    ];
  });
}

/** The first document's best candidate is the baseline; each other document's best is compared with it. */
export function compareDocuments(documents: string[], ranked: Scored[]): ComparisonEntry[] {
  const bestOf = (document: string): Scored | undefined => ranked.find((s) => s.doc.document === document);
  const [baselineDoc, ...others] = documents;
  const baseline = baselineDoc === undefined ? undefined : bestOf(baselineDoc);
  if (!baseline) return [];
  return others.flatMap((document) => {
    const other = bestOf(document);
    if (!other) return [];
    const saves = baseline.usdPerMonth - other.usdPerMonth;
    const savesPct = baseline.usdPerMonth > 0 ? (saves / baseline.usdPerMonth) * 100 : null;
    const pct = savesPct === null ? '' : ` (${Math.round(Math.abs(savesPct))}%)`;
    const verb = saves >= 0 ? `saves ${formatUsd(roundCents(saves))}/month${pct}` : `costs ${formatUsd(roundCents(-saves))}/month more${pct}`;
    const caveat = other.doc.meetsSla ? '' : `, but ${other.doc.id} misses the SLA by ${other.doc.slaMiss?.byMs} ms`;
    const verdict = capacityVerdict(baseline, other);
    const noise = verdict?.kind === 'within-noise' || verdict?.kind === 'not-enough-windows' ? `; but ${verdict.sentence.replace(/\.$/, '')}, so the difference is not a measured one` : '';
    return [
      {
        from: baseline.doc.id,
        to: other.doc.id,
        fromUsdPerMonth: baseline.doc.usdPerMonth,
        toUsdPerMonth: other.doc.usdPerMonth,
        savesUsdPerMonth: roundCents(saves),
        savesPct: savesPct === null ? null : roundTo(savesPct, 2),
        toMeetsSla: other.doc.meetsSla,
        ...(verdict ? { capacityVerdict: verdict.sentence } : {}),
        sentence: `switching from ${baseline.doc.id} to ${other.doc.id} ${verb}${caveat}${noise}`,
      },
    ];
  });
}

/**
 * Welch's verdict on two candidates' capacities when both were measured here on the same kind of
 * instance (per-window throughputs); undefined otherwise (imported figures, or different hardware,
 * where the price difference is not a noise question).
 */
function capacityVerdict(a: Scored, b: Scored): Verdict | undefined {
  const sa = a.input.capacitySamples ?? [];
  const sb = b.input.capacitySamples ?? [];
  if (sa.length === 0 || sb.length === 0 || a.doc.instanceType !== b.doc.instanceType) return undefined;
  return compareMeasured(
    { name: a.doc.id, samples: sa, stable: a.input.stable ?? true },
    { name: b.doc.id, samples: sb, stable: b.input.stable ?? true },
    'capacity',
    'req/s',
  );
}
