import { MONTH_HOURS, PLAN_SCHEMA_VERSION, Plan, WEEK_HOURS, type CapacityEnd, type PlanCandidate } from '../schema/plan.js';
import type { Sla } from '../schema/sla.js';
import type { TrafficModel } from '../schema/traffic.js';
import { InputError } from '../util/errors.js';
import { instanceTypeOn, type Platform } from '../pricing/platform.js';
import { describeOrigin, type PriceBook, type PriceOrigin, type PriceQuote } from '../pricing/priceBook.js';
import { capacityAtSla, capacityFromInterval, formatInterval, type CapacityAtSla, type PlannedCapacity } from './capacity.js';
import { provenanceMismatches } from './provenance.js';
import { CLOSED_LOOP_WARNING, type CandidateInput } from './candidates.js';
import { instancesFor, scheduleFor } from './instances.js';
import { roundCents, roundTo } from './money.js';
import { summarizeTraffic } from './trafficWeek.js';
import { compareDocuments, comparePlatforms, type Scored } from './comparisons.js';
import { purchaseFor, type PurchaseRequest } from './purchase.js';

export interface PlanRequest {
  /** The plan's timestamp, from the caller's clock: the planner reads none. */
  createdAt: string;
  documents: string[];
  sla: Sla;
  /** Target utilisation in (0, 1]: the share of measured capacity each instance is planned to carry. */
  utilization: number;
  minInstances: number;
  region: string;
  traffic: TrafficModel;
  /** Requests per second for each hour: 168 for a week, 8760 for a year; costs are per 730-hour month either way. */
  demandRps: ArrayLike<number>;
  candidates: CandidateInput[];
  prices: PriceBook;
  /**
   * Where the fleet runs (default ec2): 'sagemaker' prices the same capacity as `ml.<type>`
   * endpoints; 'both' ranks each candidate on either, side by side.
   */
  platform?: PlatformChoice;
  /** Compare documents in `documents` order; the first is the baseline. */
  compare?: boolean;
  /**
   * `--capacity`: which end of a sweep's capacity interval to plan on (default lower). Candidates
   * without an interval (profiles, sweeps before version 3) plan on their highest point meeting the SLA.
   */
  capacity?: CapacityEnd;
  /** Price each candidate under every purchase option (plan --purchase, --spot); absent: On-Demand only. */
  purchase?: PurchaseRequest;
}

export type PlatformChoice = Platform | 'both';

/** How a plan names the prices of each platform. */
const PRICE_KIND: Record<Platform, string> = {
  ec2: 'On-Demand Linux prices',
  sagemaker: 'SageMaker real-time endpoint (Hosting) On-Demand prices',
};


/**
 * The planner: pure arithmetic over candidates, prices and demand (no I/O, no clock).
 *   capacity per instance = highest throughput meeting the SLA x utilisation
 *   instances in an hour  = max(minInstances, ceil(demand / capacity per instance))
 *   static fleet          = instances at peak x usdPerHour x 730, + extras
 *   scheduled scaling     = mean instances over the hours x usdPerHour x 730, + extras
 * Ranked by static monthly cost among candidates meeting the SLA; the others follow, closest first.
 */
export function buildPlan(request: PlanRequest): Plan {
  const { sla, utilization, minInstances, region, prices } = request;
  const end = request.capacity ?? 'lower';
  const choice = request.platform ?? 'ec2';
  const platforms: Platform[] = choice === 'both' ? ['ec2', 'sagemaker'] : [choice];
  prices.requireRegion(region, '--region', platforms[0]);
  if (request.demandRps.length === 0) throw new Error('demandRps is empty');
  const traffic = summarizeTraffic(request.traffic, request.demandRps, MONTH_HOURS);
  const warnings: string[] = [];
  const origins: Record<Platform, Map<string, PriceOrigin>> = { ec2: new Map(), sagemaker: new Map() };
  const mismatches: string[] = [];
  const ids = new Set<string>();

  // Each candidate on each platform: the same measured capacity, priced as the platform's type.
  const priced: { c: CandidateInput; platform: Platform; quote: PriceQuote; baseId: string }[] = [];
  for (const c of request.candidates) {
    for (const platform of platforms) {
      const instanceType = instanceTypeOn(platform, c.instanceType);
      const baseId = choice === 'both' ? `${c.id}@${platform}` : c.id;
      if (choice === 'both' && platform === 'sagemaker' && !prices.quote(instanceType, region)) {
        // Side by side, a missing SageMaker price leaves the EC2 row standing; alone, it is an error.
        try {
          prices.requireQuote(instanceType, region, baseId);
        } catch (error) {
          warnings.push(`${(error as Error).message}; ${(error as { hint?: string }).hint ?? ''}`.replace(/; $/, ''));
          continue;
        }
      }
      const field = instanceType === c.instanceType ? c.instanceTypeField : `${c.instanceTypeField} (${c.instanceType}, priced as ${instanceType})`;
      priced.push({ c, platform, quote: prices.requireQuote(instanceType, region, field), baseId });
    }
  }

  const scored: Scored[] = priced.map(({ c, platform, quote, baseId }) => {
    origins[platform].set(JSON.stringify(quote.origin), quote.origin);
    const cap: CapacityAtSla | PlannedCapacity | undefined = c.capacityInterval
      ? capacityFromInterval(c.capacityInterval.interval, c.capacityInterval.points, sla, end)
      : capacityAtSla(c.points, sla);
    if (!cap) {
      throw new InputError(
        `${c.document}: ${c.id} has no usable measured point (throughput 0, or every point had failed requests)`,
        're-run the profile; there is nothing to plan from',
      );
    }
    let id = baseId;
    for (let n = 2; ids.has(id); n++) id = `${baseId}#${n}`;
    ids.add(id);

    const perInstanceRps = cap.throughputRps * utilization;
    const schedule = scheduleFor(request.demandRps, perInstanceRps, minInstances);
    const meanInstances = schedule.instanceHours / schedule.hours;
    const extrasUsd = c.extras.reduce((sum, e) => sum + e.usdPerMonth, 0);
    const instancesUsd = schedule.peakInstances * quote.usdPerHour * MONTH_HOURS;
    const scheduledUsd = meanInstances * quote.usdPerHour * MONTH_HOURS;
    const usdPerMonth = instancesUsd + extrasUsd;
    const usdPerMonthScheduled = scheduledUsd + extrasUsd;
    const millions = traffic.requestsPerMonth / 1e6;

    notesFor(c, id, platform, cap, schedule, sla, warnings);
    if (quote.instanceType !== c.instanceType) {
      warnings.push(
        platform === 'sagemaker'
          ? `${id}: measured on ${c.instanceType} and priced as ${quote.instanceType}, the same hardware behind a SageMaker real-time endpoint; SageMaker's own per-request overhead (its OverheadLatency metric) is not in these figures`
          : `${id}: measured on ${c.instanceType} and priced as ${quote.instanceType}, the same hardware on EC2`,
      );
    }
    mismatches.push(...provenanceMismatches(id, c.measuredOn, c.instanceType, prices.instance(c.instanceType)));
    const doc: PlanCandidate = {
      id,
      profile: c.profile,
      document: c.document,
      configuration: c.configuration,
      ...(c.model !== null ? { model: c.model } : {}),
      instanceType: quote.instanceType,
      platform,
      ...(quote.instanceType !== c.instanceType ? { measuredOn: c.instanceType } : {}),
      region,
      imported: c.importedFrom !== null,
      capacity: {
        from: c.from,
        percentile: sla.percentile,
        latencyMs: cap.latencyMs,
        throughputRps: cap.throughputRps,
        utilization,
        perInstanceRps,
        ...(c.load ? { load: c.load } : {}),
        ...(c.capacityInterval ? intervalFields(c.capacityInterval.interval, (cap as PlannedCapacity).plannedOn) : {}),
      },
      meetsSla: cap.meetsSla,
      slaMiss: cap.meetsSla ? null : { byMs: roundTo(cap.missByMs, 3), byPct: roundTo((cap.missByMs / sla.maxLatencyMs) * 100, 2) },
      peakDemandRps: schedule.peakDemandRps,
      peakInstances: schedule.peakInstances,
      scheduledInstances: { min: schedule.min, mean: roundTo(meanInstances, 4), max: schedule.max },
      usdPerHour: quote.usdPerHour,
      price: quote.origin,
      extras: c.extras,
      extrasUsdPerMonth: roundCents(extrasUsd),
      usdPerMonthInstances: roundCents(instancesUsd),
      usdPerMonth: roundCents(usdPerMonth),
      usdPerMonthScheduled: roundCents(usdPerMonthScheduled),
      usdPerMillionRequests: millions > 0 ? roundTo(usdPerMonth / millions, 4) : null,
      usdPerMillionRequestsScheduled: millions > 0 ? roundTo(usdPerMonthScheduled / millions, 4) : null,
      hourly: firstWeek(request.demandRps, perInstanceRps, minInstances),
      coldStartMs: c.coldStartMs,
      rank: 1,
    };
    let rankedUsdPerMonth = usdPerMonth;
    if (request.purchase) {
      const instances = Array.from({ length: request.demandRps.length }, (_, h) => instancesFor(request.demandRps[h]!, perInstanceRps, minInstances));
      doc.purchase = purchaseFor({ id, instanceType: quote.instanceType, region, onDemandUsdPerHour: quote.usdPerHour, instances, staticUsdPerMonth: instancesUsd, request: request.purchase });
      // Another purchase option ranks by its mix (instances) plus the same extras.
      if (doc.purchase.ranked.by !== 'ondemand') rankedUsdPerMonth = doc.purchase.ranked.usdPerMonth + extrasUsd;
    }
    return { doc, input: c, usdPerMonth: rankedUsdPerMonth, missRatio: cap.missByMs / sla.maxLatencyMs };
  });

  scored.sort(byRank);
  scored.forEach((s, i) => (s.doc.rank = i + 1));
  const first = scored[0];
  if (!first) throw new InputError('no candidates to plan', 'give at least one profile or sweep document');
  const recommended = first.doc.meetsSla ? first.doc.id : null;
  const closest = first.doc.meetsSla || !first.doc.slaMiss ? null : { id: first.doc.id, ...first.doc.slaMiss };

  const used = platforms.flatMap((p) => [...origins[p].values()]);
  const statement = platforms
    .filter((p) => origins[p].size > 0)
    .map((p) => `${PRICE_KIND[p]} for ${region} from ${[...origins[p].values()].map(describeOrigin).join('; ')}`)
    .join('; ');
  const plan: Plan = {
    schemaVersion: PLAN_SCHEMA_VERSION,
    kind: 'plan',
    createdAt: request.createdAt,
    inputs: {
      documents: request.documents,
      sla,
      utilization,
      minInstances,
      region,
      platform: choice,
      capacity: end,
      monthHours: MONTH_HOURS,
      traffic,
      ...(request.purchase ? { purchase: { choice: request.purchase.choice, spot: request.purchase.spot } } : {}),
    },
    prices: {
      used,
      snapshotAssembled: prices.catalog.origin.assembled,
      statement: `${statement}; month = ${MONTH_HOURS} h`,
    },
    warnings: [...new Set([...mismatches, ...warnings])],
    ...(mismatches.length > 0 ? { mismatches } : {}),
    candidates: scored.map((s) => s.doc),
    recommended,
    closest,
    ...(request.compare ? { comparison: compareDocuments(request.documents, scored) } : {}),
    ...(choice === 'both' ? { platformComparison: comparePlatforms(request.candidates, scored) } : {}),
  };
  return Plan.parse(plan);
}

/** What a candidate planned on an interval records: the interval and the end taken. */
function intervalFields(
  interval: NonNullable<CandidateInput['capacityInterval']>['interval'],
  plannedOn: PlannedCapacity['plannedOn'],
): Pick<PlanCandidate['capacity'], 'interval' | 'plannedOn'> {
  const { estimateRps, lowerRps, upperRps, confidencePct } = interval;
  return { interval: { estimateRps, lowerRps, upperRps, confidencePct }, plannedOn };
}

/** The first 168 hours: demand (rounded to 4 decimals, as the plan rounds) and instances; null for a shorter span. */
function firstWeek(demandRps: ArrayLike<number>, perInstanceRps: number, minInstances: number): PlanCandidate['hourly'] {
  if (demandRps.length < WEEK_HOURS) return null;
  const demand = Array.from({ length: WEEK_HOURS }, (_, h) => demandRps[h]!);
  return { demandRps: demand.map((d) => roundTo(d, 4)), instances: demand.map((d) => instancesFor(d, perInstanceRps, minInstances)) };
}

/** Meeting the SLA first, cheapest first; then the misses, closest first. Ties: scheduled cost, then id. */
function byRank(a: Scored, b: Scored): number {
  if (a.doc.meetsSla !== b.doc.meetsSla) return a.doc.meetsSla ? -1 : 1;
  if (!a.doc.meetsSla && a.missRatio !== b.missRatio) return a.missRatio - b.missRatio;
  return a.usdPerMonth - b.usdPerMonth || a.doc.usdPerMonthScheduled - b.doc.usdPerMonthScheduled || a.doc.id.localeCompare(b.doc.id);
}

function notesFor(
  c: CandidateInput,
  id: string,
  platform: Platform,
  cap: CapacityAtSla | PlannedCapacity,
  schedule: ReturnType<typeof scheduleFor>,
  sla: Sla,
  warnings: string[],
): void {
  warnings.push(...c.notes);
  if (c.importedFrom) warnings.push(`${c.id}: figures imported from "${c.importedFrom}", not measured by capacity-plan`);
  if (c.from === 'single-point') {
    warnings.push(
      `${c.id}: capacity is a single measured point (${cap.throughputRps} req/s at ${sla.percentile} ${cap.latencyMs} ms), not a sweep curve; a sweep finds the highest throughput that still meets the SLA`,
    );
  }
  if (c.load === 'closed-loop') warnings.push(`${c.id}: ${CLOSED_LOOP_WARNING}`);
  const interval = c.capacityInterval?.interval;
  if (interval && 'plannedOn' in cap && cap.meetsSla && cap.plannedOn !== 'lower') {
    // The default needs no warning; the other two plan above what the sweep can vouch for.
    warnings.push(
      cap.plannedOn === 'estimate'
        ? `${id}: planned on the capacity's point estimate (--capacity estimate), ${cap.throughputRps} req/s; the sweep's ${interval.confidencePct}% interval goes down to ${interval.lowerRps} req/s (${formatInterval(interval)}): verify it, or plan with --capacity lower`
        : `${id}: ${cap.why}`,
    );
  }
  if (cap.substitutedPercentile) {
    warnings.push(`${c.id}: ${sla.percentile} was not measured; ${cap.substitutedPercentile} (never lower) stands in for it`);
  }
  if (schedule.min !== schedule.max) {
    warnings.push(
      c.coldStartMs !== null
        ? `${id}: scheduled scaling must start instances ahead of each step up: the profiled cold start is ${(c.coldStartMs / 1000).toFixed(1)} s (model load), plus ${platform === 'sagemaker' ? "the endpoint's instance launch" : 'EC2 launch time'} not measured here`
        : `${c.id}: scheduled scaling must start instances ahead of each step up; the cold start was not profiled`,
    );
  }
}
