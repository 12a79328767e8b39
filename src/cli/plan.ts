import { resolve } from 'node:path';
import type { Command } from 'commander';
import { planFleet, unmetPlan } from '../app/plan.js';
import { readTraffic } from '../app/traffic.js';
import { explainPlan } from '../plan/explain.js';
import { renderPlan } from '../plan/formatPlan.js';
import { explainPurchase, renderPurchase } from '../plan/formatPurchase.js';
import type { PlatformChoice } from '../plan/planner.js';
import type { CapacityEnd } from '../schema/plan.js';
import { isTimeZone, parseHoursRange } from '../schema/traffic.js';
import { writeJsonAtomic } from '../util/documents.js';
import { UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, latencySla, text } from './flags.js';
import type { Register } from './program.js';
import { purchaseChoiceFlag } from './purchaseFlags.js';
import { ONE_REGION_FLAG, resolveRegion } from './regionFlag.js';
import type { Runtime } from './runtime.js';

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
  const { region, from: regionFrom } = resolveRegion(options.region, rt.env);
  const plan = await planFleet(
    {
      documents,
      sla,
      utilization: options.utilization,
      minInstances: options.minInstances,
      region,
      regionFrom,
      traffic: await readTraffic(options, rt),
      platform: options.platform,
      compare: options.compare ?? false,
      capacity: options.capacity,
      purchase: options.purchase,
      spot: options.spot ?? false,
      instanceType: options.instanceType,
      allowFailures: options.allowFailures ?? false,
      strict: options.strict ?? false,
    },
    rt,
  );
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
  const unmet = unmetPlan(plan);
  if (unmet) throw unmet;
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
