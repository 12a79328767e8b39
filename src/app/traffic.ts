import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseTrafficText } from '../plan/trafficFile.js';
import { trafficFromFindings } from '../plan/trafficFindings.js';
import { FINDINGS_SCHEMA_VERSION, Findings } from '../schema/findings.js';
import type { TrafficModel } from '../schema/traffic.js';
import { readDocument } from '../util/documents.js';
import { InputError, UsageError } from '../util/errors.js';
import type { AppRuntime } from './runtime.js';

/**
 * The traffic a plan prices, as given: a live fleet's findings, a traffic file, or business-hours
 * rates. Shared by `plan` and `whatif`; the names are the flags' (`--traffic-from`, ...).
 */
export interface TrafficInput {
  /** A findings document (`rightsize --out`): the fleet's observed demand per hour of the week. */
  trafficFrom?: string | undefined;
  /** .yaml/.json (business hours or 168 hourly values) or .csv of per-minute counts. */
  traffic?: string | undefined;
  peakRps?: number | undefined;
  offpeakRps?: number | undefined;
  weekendRps?: number | undefined;
  /** 'HH-HH', local time, Monday to Friday. */
  businessHours: string;
  tz: string;
  growth?: number | undefined;
}

export async function readTraffic(input: TrafficInput, rt: Pick<AppRuntime, 'cwd'>): Promise<TrafficModel> {
  const { growth } = input;
  // A file's or the findings' own growth, unless --growth overrides it.
  const withGrowth = (model: TrafficModel): TrafficModel => (growth === undefined ? model : { ...model, growthFactor: growth });
  const rpsGiven = [input.peakRps, input.offpeakRps, input.weekendRps].some((v) => v !== undefined);
  if (input.trafficFrom) {
    if (rpsGiven || input.traffic) throw new UsageError('--traffic-from cannot be combined with --traffic or --peak-rps/--offpeak-rps/--weekend-rps', 'use one of them');
    const findings = await readDocument(resolve(rt.cwd, input.trafficFrom), Findings, 'findings', FINDINGS_SCHEMA_VERSION);
    return withGrowth(trafficFromFindings(findings, input.trafficFrom));
  }
  if (input.traffic) {
    if (rpsGiven) throw new UsageError('--traffic cannot be combined with --peak-rps/--offpeak-rps/--weekend-rps', 'use one or the other');
    let trafficText: string;
    try {
      trafficText = await readFile(resolve(rt.cwd, input.traffic), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(`cannot read traffic '${input.traffic}': ${code === 'ENOENT' ? 'no such file' : String(code)}`, 'check the --traffic path');
    }
    return withGrowth(parseTrafficText(trafficText, input.traffic));
  }
  if (input.peakRps === undefined) {
    throw new UsageError('no traffic given', 'pass --peak-rps <rps> (with --offpeak-rps, --business-hours, --tz), --traffic <file> or --traffic-from <findings.json>');
  }
  const { peakRps, weekendRps } = input;
  return {
    kind: 'business-hours',
    peakRps,
    offPeakRps: input.offpeakRps ?? peakRps,
    ...(weekendRps !== undefined ? { weekendRps } : {}),
    businessHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: input.businessHours },
    timeZone: input.tz,
    growthFactor: growth ?? 1,
  };
}
