import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { candidatesFromDocument } from '../plan/candidates.js';
import { explainPlan } from '../plan/explain.js';
import { renderPlan } from '../plan/formatPlan.js';
import { buildPlan, type PlatformChoice } from '../plan/planner.js';
import { readPlanDocument } from '../plan/readPlanDocument.js';
import { parseTrafficText } from '../plan/trafficFile.js';
import { trafficFromFindings } from '../plan/trafficFindings.js';
import { weeklyDemandRps } from '../plan/trafficWeek.js';
import { loadPriceBook } from '../pricing/cache.js';
import type { CapacityEnd } from '../schema/plan.js';
import { formatSla } from '../schema/sla.js';
import { isTimeZone, parseHoursRange, type TrafficModel } from '../schema/traffic.js';
import { FINDINGS_SCHEMA_VERSION, Findings } from '../schema/findings.js';
import { readDocument, writeJsonAtomic } from '../util/documents.js';
import { InputError, MeasurementError, UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, latencySla, text } from './flags.js';
import type { Register } from './program.js';
import { ONE_REGION_FLAG, resolveRegion } from './regionFlag.js';
import type { Runtime } from './runtime.js';
import { purchaseChoiceFlag } from './purchaseFlags.js';
import { loadPurchaseBook } from '../pricing/purchaseCache.js';
import { explainPurchase, renderPurchase } from '../plan/formatPurchase.js';

/** Checks a number flag; the error quotes the text given and says what fits. */
function numberFlag(ok: (x: number) => boolean, expected: string) {
  return (flag: string) =>
    (text: string): number => {
      const value = Number(text);
      if (text.trim() === '' || !Number.isFinite(value) || !ok(value)) throw new UsageError(`${flag} '${text}' must be ${expected}`);
      return value;
    };
}

const requestsPerSecond = numberFlag((x) => x >= 0, 'requests per second >= 0');

export const PLAN_FLAGS = {
  compare: { flag: '--compare', help: 'compare the documents: "switching from A to B saves $X/month (Y%)"' },
  sla: { flag: '--sla <sla>', parse: latencySla, help: "latency SLA, required, e.g. 'p95<=100ms'" },
  utilization: {
    flag: '--utilization <fraction>',
    parse: numberFlag((x) => x > 0 && x <= 1, 'a fraction in (0, 1], e.g. 0.8'),
    help: 'share of measured capacity each instance is planned to carry, in (0, 1]',
    default: 0.8,
  },
  minInstances: {
    flag: '--min-instances <n>',
    parse: numberFlag((x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0'),
    help: 'never fewer instances than this in any hour',
    default: 1,
  },
  region: { ...ONE_REGION_FLAG, help: 'AWS region for prices' },
  platform: {
    flag: '--platform <platform>',
    parse: enumOf<PlatformChoice>(['ec2', 'sagemaker', 'both']),
    help: 'price the fleet as EC2 instances, SageMaker real-time endpoints (ml.<type>, the same hardware), or both side by side',
    default: 'ec2',
  },
  traffic: { flag: '--traffic <file>', parse: text, help: 'traffic model: .yaml/.json (business hours or 168 hourly values) or .csv of per-minute counts' },
  trafficFrom: { flag: '--traffic-from <findings>', parse: text, help: "a live fleet's observed demand per hour of the week: the findings JSON `rightsize --out` wrote" },
  peakRps: { flag: '--peak-rps <rps>', parse: requestsPerSecond, help: 'requests per second in business hours (instead of --traffic)' },
  offpeakRps: { flag: '--offpeak-rps <rps>', parse: requestsPerSecond, help: 'requests per second outside business hours', defaultHelp: 'the peak, i.e. flat' },
  weekendRps: { flag: '--weekend-rps <rps>', parse: requestsPerSecond, help: 'requests per second outside business hours at weekends', defaultHelp: 'off-peak' },
  businessHours: { flag: '--business-hours <HH-HH>', parse: businessHours, help: 'business hours, local time, Monday to Friday', default: '09-18' },
  tz: { flag: '--tz <zone>', parse: timeZone, help: 'IANA time zone of the business hours', default: 'UTC' },
  growth: { flag: '--growth <factor>', parse: numberFlag((x) => x > 0, 'a factor > 0, e.g. 1.2'), help: 'multiply all traffic by this factor (e.g. 1.2 for 20% growth)' },
  instanceType: { flag: '--instance-type <type>', parse: text, help: 'instance type for documents that do not record one' },
  capacity: {
    flag: '--capacity <end>',
    parse: enumOf<CapacityEnd>(['lower', 'estimate']),
    help: "which end of a sweep's 90% capacity interval to plan on: lower (at least this with 95% confidence) or estimate (the point estimate, exceeded about half the time)",
    default: 'lower',
  },
  allowFailures: {
    flag: '--allow-failures',
    help: 'plan on a profile in which more than 1% of requests failed (with a warning) instead of refusing it',
  },
  json: { flag: '--json', help: 'print the plan document as JSON' },
  explain: { flag: '--explain', help: 'print the arithmetic step by step' },
  strict: { flag: '--strict', help: 'exit 3 when a measurement cannot stand for the instance type it is priced as (CPU or another GPU)' },
  out: { flag: '--out <file>', parse: text, help: 'also write the plan document to this file' },
  purchase: {
    flag: '--purchase <option>',
    parse: purchaseChoiceFlag,
    help: 'what the ranking prices: ondemand (the static fleet), best (the cheapest commitment mix), or a purchase option id (see prices --purchase-option all)',
    default: 'ondemand',
  },
  spot: { flag: '--spot', help: 'run what lies above the commitment and the floor on Spot (interruptible; never the floor the week always needs)' },
} satisfies FlagTable;

const PLAN_EXITS: ExitTable = {
  ok: 'the plan is printed, and a candidate meets the SLA',
  usage: 'a bad flag or flag value, no --sla, no traffic, or an instance type or region with no prices',
  input:
    'a document or the traffic file is missing or invalid, a profile in which more than 1% of requests failed (without --allow-failures), ' +
    'or with --strict a measurement that cannot stand for the instance type it is priced as',
  measurement: 'no candidate meets the SLA (the plan above shows the closest)',
};

type PlanOptions = FlagValues<typeof PLAN_FLAGS>;

export const registerPlanCommand: Register = (program: Command, rt: Runtime) => {
  const command = program
    .command('plan')
    .description('Instances and monthly cost from profile/sweep documents, prices, a traffic pattern and an SLA')
    .argument('<documents...>', 'profile-result or sweep-result JSON files (with --compare: the first is the baseline)');
  addExitCodes(addFlags(command, PLAN_FLAGS), PLAN_EXITS).action(async (documents: string[], options: PlanOptions) => runPlan(documents, options, rt));
};

async function runPlan(documents: string[], options: PlanOptions, rt: Runtime): Promise<void> {
  if (options.compare && documents.length < 2) {
    throw new UsageError('--compare needs at least two documents', 'e.g. plan --compare baseline.json candidate.json --peak-rps 60 --sla p95<=400ms');
  }
  const { sla } = options;
  if (!sla) {
    // No default: a plan at an SLA nobody chose would look authoritative and mean nothing.
    throw new UsageError('--sla is required', "e.g. --sla 'p95<=100ms' (percentiles p50, p90, p95, p99)");
  }
  const { utilization, minInstances } = options;
  const { region, from: regionFrom } = resolveRegion(options.region, rt.env);
  const traffic = await trafficFromOptions(options, rt);

  const prices = await loadPriceBook(rt.home);
  // With both, SageMaker gaps are warnings in the plan; EC2's regions decide.
  prices.requireRegion(region, regionFrom, options.platform === 'sagemaker' ? 'sagemaker' : 'ec2');
  const candidates = [];
  for (const path of documents) {
    candidates.push(...candidatesFromDocument(await readPlanDocument(path, rt.cwd), { instanceType: options.instanceType, allowFailures: options.allowFailures ?? false }));
  }
  const now = rt.now();
  const plan = buildPlan({
    createdAt: now.toISOString(),
    documents,
    sla,
    utilization,
    minInstances,
    region,
    traffic,
    demandRps: weeklyDemandRps(traffic, now),
    candidates,
    prices,
    platform: options.platform,
    compare: options.compare ?? false,
    capacity: options.capacity,
    purchase: { book: await loadPurchaseBook(rt.home), choice: options.purchase, spot: options.spot ?? false },
  });

  // Before any output: a strict plan that does not hold is no plan.
  const mismatches = plan.mismatches ?? [];
  if (options.strict && mismatches.length > 0) {
    const more = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : '';
    throw new InputError(`--strict: ${mismatches[0]}${more}`, 'profile on the instance type you plan for, or pass the --instance-type it was measured on');
  }
  // The purchase section only when asked for, so default output does not move.
  const buying = options.purchase !== 'ondemand' || options.spot === true;
  if (options.json) rt.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else rt.stdout.write(renderPlan(plan) + (buying ? `\n${renderPurchase(plan, options.explain ?? false).join('\n')}\n` : ''));
  if (options.explain) {
    // With --json, stdout stays one JSON document; the explanation goes to stderr.
    const sink = options.json ? rt.stderr : rt.stdout;
    sink.write(`\n${[...explainPlan(plan), ...(buying ? explainPurchase(plan) : [])].join('\n')}\n`);
  }
  if (options.out) {
    await writeJsonAtomic(resolve(rt.cwd, options.out), plan);
    rt.stderr.write(`wrote plan to ${options.out}\n`);
  }
  if (!plan.recommended && plan.closest) {
    throw new MeasurementError(
      `no candidate meets ${formatSla(sla)}: the closest, ${plan.closest.id}, misses by ${plan.closest.byMs} ms (${plan.closest.byPct}%)`,
      'relax --sla, or profile a faster configuration or instance type; the plan above shows the closest',
    );
  }
}

/** The traffic flags' values (shared with `whatif`, which prices at the same traffic). */
export type TrafficOptions = Pick<PlanOptions, 'trafficFrom' | 'traffic' | 'peakRps' | 'offpeakRps' | 'weekendRps' | 'businessHours' | 'tz' | 'growth'>;

export async function trafficFromOptions(options: TrafficOptions, rt: Runtime): Promise<TrafficModel> {
  const { growth } = options;
  const rpsFlags = [options.peakRps, options.offpeakRps, options.weekendRps].some((v) => v !== undefined);
  if (options.trafficFrom) {
    if (rpsFlags || options.traffic) throw new UsageError('--traffic-from cannot be combined with --traffic or --peak-rps/--offpeak-rps/--weekend-rps', 'use one of them');
    const findings = await readDocument(resolve(rt.cwd, options.trafficFrom), Findings, 'findings', FINDINGS_SCHEMA_VERSION);
    const model = trafficFromFindings(findings, options.trafficFrom);
    return growth === undefined ? model : { ...model, growthFactor: growth };
  }
  if (options.traffic) {
    if (rpsFlags) throw new UsageError('--traffic cannot be combined with --peak-rps/--offpeak-rps/--weekend-rps', 'use one or the other');
    let trafficText: string;
    try {
      trafficText = await readFile(resolve(rt.cwd, options.traffic), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(`cannot read traffic '${options.traffic}': ${code === 'ENOENT' ? 'no such file' : String(code)}`, 'check the --traffic path');
    }
    const model = parseTrafficText(trafficText, options.traffic);
    return growth === undefined ? model : { ...model, growthFactor: growth };
  }
  if (options.peakRps === undefined) {
    throw new UsageError('no traffic given', 'pass --peak-rps <rps> (with --offpeak-rps, --business-hours, --tz), --traffic <file> or --traffic-from <findings.json>');
  }
  const { peakRps, weekendRps } = options;
  const offPeakRps = options.offpeakRps ?? peakRps;
  return {
    kind: 'business-hours',
    peakRps,
    offPeakRps,
    ...(weekendRps !== undefined ? { weekendRps } : {}),
    businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: options.businessHours },
    timeZone: options.tz,
    growthFactor: growth ?? 1,
  };
}

function businessHours(flag: string) {
  return (hours: string): string => {
    if (!parseHoursRange(hours)) throw new UsageError(`${flag} '${hours}' must be HH-HH with start < end <= 24`, 'e.g. --business-hours 09-18');
    return hours;
  };
}

function timeZone(flag: string) {
  return (zone: string): string => {
    if (!isTimeZone(zone)) throw new UsageError(`${flag} '${zone}' is not an IANA time zone`, 'e.g. --tz Europe/Berlin or --tz America/New_York');
    return zone;
  };
}
