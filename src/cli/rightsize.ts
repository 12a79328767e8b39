import { dirname, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadPriceBook } from '../pricing/cache.js';
import { alarmSpecs } from '../rightsize/alarms.js';
import { renderAfterDiscounts } from '../rightsize/afterDiscounts.js';
import { loadPurchaseBook } from '../pricing/purchaseCache.js';
import { capacityFromDocument, type FleetCapacity } from '../rightsize/capacity.js';
import { cloudWatchEndpointFromEnv, createCloudWatchClient, ensureAlarms } from '../rightsize/cloudWatch.js';
import { explainFindings, renderAlarms, renderFindings } from '../rightsize/formatFindings.js';
import { readFleetMetrics, rightsizeFleet } from '../app/rightsize.js';
import { Fleet } from '../schema/fleet.js';
import { FINDING_KINDS, type FindingKind, type PeakStat } from '../schema/findings.js';
import { METRIC_RECORDING_SCHEMA_VERSION, MetricRecording } from '../schema/metricRecording.js';
import { readAnyDocument, readDocument, readYamlDocument, writeFileAtomic, writeJsonAtomic } from '../util/documents.js';
import { MeasurementError, UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { enumOf, text } from './flags.js';
import type { Register } from './program.js';
import type { Runtime } from './runtime.js';
import { resolveInputPath } from '../util/packagePaths.js';

/** One-minute datapoints are kept for 15 days (then 5-minute ones). */
const MAX_LOOKBACK_MINUTES = 15 * 1440;
/** Two weeks of minutes: both weekends, and every hour of the week twice. */
export const DEFAULT_LOOKBACK_MINUTES = 14 * 1440;

const RIGHTSIZE_FLAGS = {
  fleet: { flag: '--fleet <file>', parse: text, help: 'the fleet file (YAML): instance type, SLA, capacity document, CloudWatch source (required)' },
  // Read as minutes: commander applies the default unparsed, so it is in minutes too.
  lookback: {
    flag: '--lookback <span>',
    parse: lookbackMinutes,
    help: 'how far back to read 1-minute metrics, e.g. 14d or 36h (at most 15d)',
    default: DEFAULT_LOOKBACK_MINUTES,
    defaultHelp: '14d',
  },
  peak: {
    flag: '--peak <stat>',
    parse: enumOf<PeakStat>(['max', 'p99']),
    help: "each hour's peak: 'max' of its minutes, or 'p99' to damp one-minute spikes",
    default: 'max',
  },
  json: { flag: '--json', help: 'print the findings document as JSON' },
  out: { flag: '--out <file>', parse: text, help: 'also write the findings document to this file' },
  explain: { flag: '--explain', help: 'print the arithmetic step by step' },
  failOn: { flag: '--fail-on <findings>', parse: failOnList, help: `exit 5 when any of these is found (comma-separated: ${FINDING_KINDS.join(', ')})` },
  record: { flag: '--record <file>', parse: text, help: 'save the metric data read from CloudWatch, to replay with --metrics-from' },
  metricsFrom: { flag: '--metrics-from <file>', parse: text, help: 'analyse a recording instead of reading CloudWatch (no AWS at all)' },
  createAlarms: { flag: '--create-alarms', help: 'create or update the CloudWatch alarms for the fleet (only those that differ)' },
  alarmTopic: { flag: '--alarm-topic <sns-arn>', parse: text, help: 'with --create-alarms: notify this SNS topic on ALARM and OK' },
  dryRun: { flag: '--dry-run', help: 'with --create-alarms: show the alarms, create nothing, call no AWS API' },
} satisfies FlagTable;

const RIGHTSIZE_EXITS: ExitTable = {
  ok: 'the findings are printed (with --create-alarms: the alarms are put, or shown with --dry-run)',
  usage: "a bad flag or flag value, no --fleet, or an instance type with no price",
  input: 'the fleet file, its capacity document or the --metrics-from recording is missing or invalid',
  environment: 'no AWS credentials, or CloudWatch cannot be reached',
  measurement: '--fail-on: one of the findings it names was found (the findings are printed first)',
  remote: 'CloudWatch answered with an error',
  interrupted: 'Ctrl-C during a CloudWatch call: no recording or findings file is written',
};

type RightsizeOptions = FlagValues<typeof RIGHTSIZE_FLAGS>;

export const registerRightsizeCommand: Register = (program: Command, rt: Runtime) => {
  const command = program
    .command('rightsize')
    .description("Compare a live fleet's CloudWatch metrics with its profiled capacity: findings, savings, alarms");
  addExitCodes(addFlags(command, RIGHTSIZE_FLAGS), RIGHTSIZE_EXITS).action(async (options: RightsizeOptions) => runRightsize(options, rt));
};

function failOnList(flag: string) {
  return (value: string): FindingKind[] => {
    const parts = value.split(',').map((p) => p.trim().toUpperCase()).filter(Boolean);
    const unknown = parts.filter((p) => !(FINDING_KINDS as readonly string[]).includes(p));
    if (parts.length === 0 || unknown.length > 0) {
      throw new UsageError(`${flag}: unknown finding ${unknown.join(', ') || "''"}`, `use any of ${FINDING_KINDS.join(', ')}`);
    }
    return parts as FindingKind[];
  };
}

/** A span from 1h to 15d, e.g. 14d or 36h, in minutes. */
function lookbackMinutes(flag: string) {
  return (value: string): number => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(d|h)\s*$/i.exec(value);
    const minutes = match ? Math.round(Number(match[1]) * (match[2]!.toLowerCase() === 'd' ? 1440 : 60)) : Number.NaN;
    if (!(minutes >= 60) || minutes > MAX_LOOKBACK_MINUTES) {
      throw new UsageError(`${flag} '${value}' must be between 1h and 15d, e.g. 14d or 36h`, 'CloudWatch keeps 1-minute data for 15 days');
    }
    return minutes;
  };
}

async function runRightsize(options: RightsizeOptions, rt: Runtime): Promise<void> {
  if (!options.fleet) throw new UsageError('--fleet is required', 'e.g. rightsize --fleet fleet.yaml (`capacity-plan examples` lists a built-in one)');
  if (options.record && options.metricsFrom) throw new UsageError('--record and --metrics-from cannot be combined', 'a replay reads no CloudWatch data to record');
  if ((options.alarmTopic || options.dryRun) && !options.createAlarms) throw new UsageError('--alarm-topic and --dry-run go with --create-alarms');
  const fleetPath = resolveInputPath(rt.cwd, options.fleet);
  const fleet = await readFleet(fleetPath, options.fleet);
  const capacityPath = resolve(dirname(fleetPath), fleet.capacity);
  const capacityLabel = relative(rt.cwd, capacityPath) || capacityPath;
  const capacityDocument = await readAnyDocument(capacityPath, capacityLabel);
  const endpointLabel = cloudWatchEndpointFromEnv(rt.env) ?? `https://monitoring.${fleet.region}.amazonaws.com`;

  if (options.createAlarms) {
    await createAlarms(fleet, capacityFromDocument(capacityDocument, fleet.sla, fleet.instanceType, fleet.configuration), options, endpointLabel, rt);
    return;
  }

  // Both platforms' live caches: an ml.* fleet (a SageMaker endpoint) is priced from SageMaker Hosting prices.
  const prices = await loadPriceBook(rt.home);
  prices.requireQuote(fleet.instanceType, fleet.region, `fleet '${options.fleet}' instanceType`);
  let recording: MetricRecording;
  let metricsSource: string;
  if (options.metricsFrom) {
    recording = await readDocument(resolveInputPath(rt.cwd, options.metricsFrom), MetricRecording, 'metric recording', METRIC_RECORDING_SCHEMA_VERSION);
    metricsSource = `recording ${options.metricsFrom} (${recording.origin})`;
    if (recording.fleet !== fleet.name) rt.stderr.write(`warning: ${options.metricsFrom} was recorded for fleet '${recording.fleet}', not '${fleet.name}'\n`);
  } else {
    ({ recording, metricsSource } = await readFleetMetrics({ fleet, lookbackMinutes: options.lookback, now: rt.now(), env: rt.env, signal: rt.signal }));
    if (options.record) {
      // Compact JSON: a 14-day recording holds 20,160 values a metric.
      await writeFileAtomic(resolve(rt.cwd, options.record), `${JSON.stringify(recording)}\n`);
      rt.stderr.write(`recorded the metrics to ${options.record}\n`);
    }
  }

  const findings = rightsizeFleet({
    fleet,
    fleetLabel: options.fleet,
    capacityDocument,
    recording,
    prices,
    purchases: await loadPurchaseBook(rt.home),
    createdAt: rt.now().toISOString(),
    peakStat: options.peak,
    metricsSource,
  });

  if (options.json) rt.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
  else rt.stdout.write(renderFindings(findings) + renderAfterDiscounts(findings));
  if (options.explain) {
    // With --json, stdout stays one JSON document; the explanation goes to stderr.
    (options.json ? rt.stderr : rt.stdout).write(`\n${explainFindings(findings).join('\n')}\n`);
  }
  if (options.out) {
    await writeJsonAtomic(resolve(rt.cwd, options.out), findings);
    rt.stderr.write(`wrote findings to ${options.out}\n`);
  }
  const matched = [...new Set(findings.findings.map((f) => f.finding).filter((f) => options.failOn?.includes(f)))];
  if (matched.length > 0) {
    throw new MeasurementError(`rightsize found ${matched.join(', ')} (--fail-on)`, 'see the findings above');
  }
}

async function createAlarms(fleet: Fleet, capacity: FleetCapacity, options: RightsizeOptions, endpointLabel: string, rt: Runtime): Promise<void> {
  const specs = alarmSpecs(capacity, fleet, options.alarmTopic ? { topicArn: options.alarmTopic } : {});
  if (options.dryRun) {
    if (options.json) rt.stdout.write(`${JSON.stringify(specs.map((s) => s.input), null, 2)}\n`);
    else rt.stdout.write(`would put ${specs.length} alarms (dry run: no AWS call):\n${renderAlarms(specs, () => '  ')}`);
    return;
  }
  const client = createCloudWatchClient({ region: fleet.region, env: rt.env });
  try {
    const result = await ensureAlarms(client, fleet, specs, { endpointLabel, signal: rt.signal });
    if (options.json) rt.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      rt.stdout.write(renderAlarms(specs, (name) => (result.put.includes(name) ? 'put      ' : 'unchanged')));
      rt.stdout.write(`${result.put.length} alarm(s) put, ${result.unchanged.length} unchanged, in ${fleet.region}\n`);
    }
  } finally {
    client.destroy();
  }
}

function readFleet(path: string, label: string): Promise<Fleet> {
  return readYamlDocument(path, Fleet, 'fleet', {
    shownPath: label,
    readHint: 'check the --fleet path',
    invalidHint: 'see profiles/examples/ for a complete fleet file',
  });
}

