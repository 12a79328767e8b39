import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { candidatesFromDocument } from '../plan/candidates.js';
import { explainPlan } from '../plan/explain.js';
import { renderPlan } from '../plan/formatPlan.js';
import { buildPlan } from '../plan/planner.js';
import { readPlanDocument } from '../plan/readPlanDocument.js';
import { parseTrafficText } from '../plan/trafficFile.js';
import { trafficFromFindings } from '../plan/trafficFindings.js';
import { weeklyDemandRps } from '../plan/trafficWeek.js';
import { readPriceCache } from '../pricing/cache.js';
import { snapshotCatalog } from '../pricing/catalog.js';
import { PriceBook } from '../pricing/priceBook.js';
import { formatSla, parseSla } from '../schema/sla.js';
import { isTimeZone, parseHoursRange, type TrafficModel } from '../schema/traffic.js';
import { FINDINGS_SCHEMA_VERSION, Findings } from '../schema/findings.js';
import { readDocument, writeJsonAtomic } from '../util/documents.js';
import { InputError, MeasurementError, UsageError } from '../util/errors.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';

interface PlanOptions {
  compare?: boolean;
  sla?: string;
  utilization: string;
  minInstances: string;
  region?: string;
  traffic?: string;
  trafficFrom?: string;
  peakRps?: string;
  offpeakRps?: string;
  weekendRps?: string;
  businessHours?: string;
  tz?: string;
  growth?: string;
  instanceType?: string;
  json?: boolean;
  explain?: boolean;
  out?: string;
}

export const registerPlanCommand: Register = (program: Command, rt: Runtime) => {
  program
    .command('plan')
    .description('Instances and monthly cost from profile/sweep documents, prices, a traffic pattern and an SLA')
    .argument('<documents...>', 'profile-result or sweep-result JSON files (with --compare: the first is the baseline)')
    .option('--compare', 'compare the documents: "switching from A to B saves $X/month (Y%)"')
    .option('--sla <sla>', "latency SLA, required, e.g. 'p95<=100ms'")
    .option('--utilization <fraction>', 'share of measured capacity each instance is planned to carry, in (0, 1]', '0.8')
    .option('--min-instances <n>', 'never fewer instances than this in any hour', '1')
    .option('--region <region>', 'AWS region for prices (default: $AWS_REGION, else us-east-1)')
    .option('--traffic <file>', 'traffic model: .yaml/.json (business hours or 168 hourly values) or .csv of per-minute counts')
    .option('--traffic-from <findings>', "a live fleet's observed demand per hour of the week: the findings JSON `rightsize --out` wrote")
    .option('--peak-rps <rps>', 'requests per second in business hours (instead of --traffic)')
    .option('--offpeak-rps <rps>', 'requests per second outside business hours (default: the peak, i.e. flat)')
    .option('--weekend-rps <rps>', 'requests per second outside business hours at weekends (default: off-peak)')
    .option('--business-hours <HH-HH>', 'business hours, local time, Monday to Friday', '09-18')
    .option('--tz <zone>', 'IANA time zone of the business hours', 'UTC')
    .option('--growth <factor>', 'multiply all traffic by this factor (e.g. 1.2 for 20% growth)')
    .option('--instance-type <type>', 'instance type for documents that do not record one')
    .option('--json', 'print the plan document as JSON')
    .option('--explain', 'print the arithmetic step by step')
    .option('--out <file>', 'also write the plan document to this file')
    .action(async (documents: string[], options: PlanOptions) => runPlan(documents, options, rt));
};

async function runPlan(documents: string[], options: PlanOptions, rt: Runtime): Promise<void> {
  if (options.compare && documents.length < 2) {
    throw new UsageError('--compare needs at least two documents', 'e.g. plan --compare baseline.json candidate.json --peak-rps 60 --sla p95<=400ms');
  }
  if (!options.sla) {
    // No default: a plan at an SLA nobody chose would look authoritative and mean nothing.
    throw new UsageError('--sla is required', "e.g. --sla 'p95<=100ms' (percentiles p50, p90, p95, p99)");
  }
  const sla = parseSla(options.sla);
  const utilization = parseNumber(options.utilization, '--utilization', (x) => x > 0 && x <= 1, 'a fraction in (0, 1], e.g. 0.8');
  const minInstances = parseNumber(options.minInstances, '--min-instances', (x) => Number.isInteger(x) && x >= 0, 'a whole number >= 0');
  const region = options.region ?? (rt.env.AWS_REGION || 'us-east-1');
  const regionFrom = options.region === undefined && rt.env.AWS_REGION ? 'AWS_REGION' : '--region';
  const traffic = await trafficFromOptions(options, rt);

  const prices = new PriceBook(snapshotCatalog(), await readPriceCache(rt.home));
  prices.requireRegion(region, regionFrom);
  const candidates = [];
  for (const path of documents) {
    candidates.push(...candidatesFromDocument(await readPlanDocument(path, rt.cwd), options.instanceType));
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
    compare: options.compare ?? false,
  });

  if (options.json) rt.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
  else rt.stdout.write(renderPlan(plan));
  if (options.explain) {
    // With --json, stdout stays one JSON document; the explanation goes to stderr.
    const sink = options.json ? rt.stderr : rt.stdout;
    sink.write(`\n${explainPlan(plan).join('\n')}\n`);
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

function parseNumber(text: string, flag: string, ok: (x: number) => boolean, expected: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !ok(value)) throw new UsageError(`${flag} '${text}' must be ${expected}`);
  return value;
}

const nonNegative = (x: number): boolean => x >= 0;

async function trafficFromOptions(options: PlanOptions, rt: Runtime): Promise<TrafficModel> {
  const growth = options.growth === undefined ? undefined : parseNumber(options.growth, '--growth', (x) => x > 0, 'a factor > 0, e.g. 1.2');
  const rpsFlags = [options.peakRps, options.offpeakRps, options.weekendRps].some((v) => v !== undefined);
  if (options.trafficFrom) {
    if (rpsFlags || options.traffic) throw new UsageError('--traffic-from cannot be combined with --traffic or --peak-rps/--offpeak-rps/--weekend-rps', 'use one of them');
    const findings = await readDocument(resolve(rt.cwd, options.trafficFrom), Findings, 'findings', FINDINGS_SCHEMA_VERSION);
    const model = trafficFromFindings(findings, options.trafficFrom);
    return growth === undefined ? model : { ...model, growthFactor: growth };
  }
  if (options.traffic) {
    if (rpsFlags) throw new UsageError('--traffic cannot be combined with --peak-rps/--offpeak-rps/--weekend-rps', 'use one or the other');
    let text: string;
    try {
      text = await readFile(resolve(rt.cwd, options.traffic), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(`cannot read traffic '${options.traffic}': ${code === 'ENOENT' ? 'no such file' : String(code)}`, 'check the --traffic path');
    }
    const model = parseTrafficText(text, options.traffic);
    return growth === undefined ? model : { ...model, growthFactor: growth };
  }
  if (options.peakRps === undefined) {
    throw new UsageError('no traffic given', 'pass --peak-rps <rps> (with --offpeak-rps, --business-hours, --tz), --traffic <file> or --traffic-from <findings.json>');
  }
  const peakRps = parseNumber(options.peakRps, '--peak-rps', nonNegative, 'requests per second >= 0');
  const offPeakRps = options.offpeakRps === undefined ? peakRps : parseNumber(options.offpeakRps, '--offpeak-rps', nonNegative, 'requests per second >= 0');
  const weekendRps = options.weekendRps === undefined ? undefined : parseNumber(options.weekendRps, '--weekend-rps', nonNegative, 'requests per second >= 0');
  const hours = options.businessHours ?? '09-18';
  if (!parseHoursRange(hours)) throw new UsageError(`--business-hours '${hours}' must be HH-HH with start < end <= 24`, 'e.g. --business-hours 09-18');
  const timeZone = options.tz ?? 'UTC';
  if (!isTimeZone(timeZone)) throw new UsageError(`--tz '${timeZone}' is not an IANA time zone`, 'e.g. --tz Europe/Berlin or --tz America/New_York');
  return {
    kind: 'business-hours',
    peakRps,
    offPeakRps,
    ...(weekendRps !== undefined ? { weekendRps } : {}),
    businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours },
    timeZone,
    growthFactor: growth ?? 1,
  };
}
