import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createRunEventBus } from '../profile/events.js';
import { loadPriceBook } from '../pricing/cache.js';
import { weeklyDemandRps } from '../plan/trafficWeek.js';
import type { ProfileResult } from '../schema/profileResult.js';
import type { ProfileSpec } from '../schema/profileSpec.js';
import type { TrafficModel } from '../schema/traffic.js';
import type { WhatifResult } from '../schema/whatif.js';
import { DEFAULT_TARGET_PRECISION_PCT } from '../sweep/definition.js';
import { DEFAULT_MAX_POINTS } from '../sweep/search.js';
import { realClock } from '../util/clock.js';
import { readAnyDocument, writeJsonAtomic } from '../util/documents.js';
import { InputError, UsageError } from '../util/errors.js';
import { formatWhatif } from '../whatif/format.js';
import { sweepVariants } from '../whatif/sweepVariants.js';
import { CURRENT_LABEL, runWhatif } from '../whatif/whatif.js';
import type { SettingId } from '../whatif/settings.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { durationSeconds, enumOf, percentage, text } from './flags.js';
import { PLAN_FLAGS } from './plan.js';
import { readTraffic } from '../app/traffic.js';
import type { Register } from './program.js';
import { profileRunMeasure } from '../app/measurePoints.js';
import { searchProgressLines } from '../sweep/progressLines.js';
import { stepReporter } from './progress.js';
import { addSpecFlags, resolveSpec, type SpecFlags } from './profileSpecFlags.js';
import { ONE_REGION_FLAG, resolveRegion } from './regionFlag.js';
import type { Runtime } from './runtime.js';

/** Measurement seconds per variant: a probe and a handful of short runs on the tiny model. */
export const DEFAULT_WHATIF_BUDGET_S = 60;
/** Where a document names no instance type: the article's T4 (g4dn.xlarge), said in the output. */
export const DEFAULT_WHATIF_INSTANCE_TYPE = 'g4dn.xlarge';
/** Where a search starts from a profile: just below its closed-loop throughput, which a lax SLA's capacity is close to. */
const PROFILE_START_SHARE = 0.9;
/** Two grid steps (x1.26) per bracketing move when the start is already near the capacity. */
const PROFILE_BRACKET_STEPS = 2;

const WHATIF_FLAGS = {
  sla: PLAN_FLAGS.sla,
  peakRps: PLAN_FLAGS.peakRps,
  offpeakRps: PLAN_FLAGS.offpeakRps,
  weekendRps: PLAN_FLAGS.weekendRps,
  businessHours: PLAN_FLAGS.businessHours,
  tz: PLAN_FLAGS.tz,
  traffic: PLAN_FLAGS.traffic,
  trafficFrom: PLAN_FLAGS.trafficFrom,
  growth: PLAN_FLAGS.growth,
  utilization: PLAN_FLAGS.utilization,
  minInstances: PLAN_FLAGS.minInstances,
  region: { ...ONE_REGION_FLAG, help: 'AWS region for prices' },
  instanceType: {
    flag: '--instance-type <type>',
    parse: text,
    help: 'the instance type to price every variant as',
    defaultHelp: `the profile's, else ${DEFAULT_WHATIF_INSTANCE_TYPE}`,
  },
  budget: {
    flag: '--budget <span>',
    parse: durationSeconds,
    help: 'measurement time each variant\'s capacity search may spend, e.g. 60s or 2m',
    defaultHelp: `${DEFAULT_WHATIF_BUDGET_S}s`,
  },
  targetPrecision: { flag: '--target-precision <pct>', parse: percentage, help: "the capacity interval's half-width each search aims at", defaultHelp: `${DEFAULT_TARGET_PRECISION_PCT}%` },
  startRps: {
    flag: '--start-rps <rps>',
    parse: PLAN_FLAGS.peakRps.parse,
    help: "the rate every variant's capacity search starts at",
    defaultHelp: `${PROFILE_START_SHARE * 100}% of the profile's throughput; without a profile, a one-client probe of each variant`,
  },
  path: {
    flag: '--path <full|ends>',
    parse: enumOf<'full' | 'ends'>(['full', 'ends']),
    help: "the cumulative path to all-thin: measure every step (full) or only its two ends (ends: fewer runs; the single changes stand in for the steps)",
    default: 'full',
  },
  out: { flag: '--out <file>', parse: text, help: 'where to write the whatif document', defaultHelp: 'profiles/results/whatif-<name>-<time>.json' },
  json: { flag: '--json', help: 'print the whatif document on stdout instead of the tables' },
  quiet: { flag: '--quiet', help: 'no progress on stderr' },
} satisfies FlagTable;

const WHATIF_EXITS: ExitTable = {
  ok: 'the whatif document is written',
  usage: 'a bad flag or flag value or preset, no --sla, no traffic, a profile and --preset together, or an instance type with no price',
  input: 'the profile document, the model or the traffic file is missing or invalid, or the profile records no serving spec',
  environment: 'the execution provider (--device) cannot load',
  measurement: 'a run measured nothing usable (its first requests all failed, or no window fit in --duration)',
  interrupted: "Ctrl-C: the variants' finished runs are kept in the checkpoint",
};

export type WhatifFlags = FlagValues<typeof WHATIF_FLAGS> & SpecFlags;

export const registerWhatifCommand: Register = (program, rt) => {
  const command = program
    .command('whatif')
    .description("what each serving setting costs in dollars: each one made thin alone, and all of them, measured and priced at your traffic")
    .argument('[profile]', 'a profile-result document whose spec to start from (or --preset / spec flags)');
  addExitCodes(addSpecFlags(addFlags(command, WHATIF_FLAGS), 'whatif'), WHATIF_EXITS).action(async (profile: string | undefined, flags: WhatifFlags) => {
    await whatifCommand(profile, flags, rt);
  });
};

/** Starts from a profile document's spec (its stages give the shares) or from --preset / spec flags. */
export async function whatifCommand(profile: string | undefined, flags: WhatifFlags, rt: Runtime, extra: { notes?: string[]; measurementDurationS?: number; skip?: SettingId[] } = {}): Promise<{ doc: WhatifResult; path: string }> {
  const { sla } = flags;
  if (!sla) throw new UsageError('--sla is required', "e.g. --sla 'p95<=100ms' (percentiles p50, p90, p95, p99)");
  let source: ProfileResult | undefined;
  let spec: ProfileSpec;
  if (profile) {
    if (flags.preset) throw new UsageError('give a profile document or --preset, not both', 'the document carries its own spec');
    source = (await readAnyDocument(resolve(rt.cwd, profile), profile, ['profile-result'])).doc;
    if (!source.spec) throw new InputError(`${profile} records no serving spec (a remote target's): there is nothing to vary`, 'start from --preset or spec flags');
    spec = source.spec;
    // The document's own run length is a profile's; capacity runs of a what-if may be asked shorter.
    if (extra.measurementDurationS !== undefined) spec = { ...spec, measurement: { ...spec.measurement, durationS: extra.measurementDurationS } };
  } else {
    spec = await resolveSpec(flags, rt.env, rt.cwd);
  }
  const traffic = await readTraffic(flags, rt);
  const { region } = resolveRegion(flags.region, rt.env);
  const instanceType = flags.instanceType ?? source?.environment.instanceType ?? DEFAULT_WHATIF_INSTANCE_TYPE;
  const prices = await loadPriceBook(rt.home);
  const quote = prices.requireQuote(instanceType, region, '--instance-type');
  const now = rt.now();
  const demandRps = weeklyDemandRps(traffic, now);
  const peakDemandRps = Math.max(...Array.from(demandRps));

  const events = createRunEventBus({ runId: randomUUID(), clock: realClock });
  // The search's steps on stderr, each run's bar on a terminal; the rates' evidence is in the table after.
  events.subscribe(
    stepReporter(rt, {
      quiet: Boolean(flags.quiet || flags.json),
      label: (e) => (e.type !== 'point-start' ? undefined : e.probe ? `${e.configuration} probe` : `${e.configuration} rps=${e.offered.value}`),
      lines: (event) => searchProgressLines(event, sla),
    }),
  );
  let currentStages: { name: string; sharePct: number }[] | undefined;
  const measure = profileRunMeasure(rt, {
    sla,
    events,
    instanceType,
    // Without a profile document, the current spec's own runs say where its request time goes.
    onResult: (result, context) => {
      if (context.configuration === CURRENT_LABEL && !context.probe) currentStages = result.stages.map((s) => ({ name: s.name, sharePct: s.sharePct }));
    },
  });
  // A profile's closed-loop throughput is about the current setup's capacity: the search starts a
  // little below it and brackets in steps of about 26% (two grid steps), not doublings, so each
  // variant spends its runs near its crossing.
  const profiledRps = flags.startRps === undefined && source && source.throughputRps > 0 ? source.throughputRps : undefined;
  const fromProfile = profiledRps !== undefined;
  const startRps = whatifStartRps(flags.startRps, profiledRps);
  const out = flags.out ? resolve(rt.cwd, flags.out) : join(rt.cwd, 'profiles', 'results', `whatif-${spec.name}-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  const measureVariants = sweepVariants({
    sla,
    budgetPerVariantS: flags.budget ?? DEFAULT_WHATIF_BUDGET_S,
    targetPrecisionPct: flags.targetPrecision ?? DEFAULT_TARGET_PRECISION_PCT,
    maxRuns: DEFAULT_MAX_POINTS,
    ...(startRps !== undefined ? { startRps } : {}),
    ...(fromProfile ? { bracketSteps: PROFILE_BRACKET_STEPS } : {}),
    measure,
    checkpointPath: `${out}.checkpoint.json`,
    now: rt.now,
    signal: rt.signal,
    events,
  });
  const notes = [...(extra.notes ?? [])];
  if (!flags.instanceType && !source?.environment.instanceType) {
    notes.push(`priced as ${instanceType} (the article's T4) because no instance type was given; measured on this host`);
  }
  const doc = await runWhatif({
    name: spec.name,
    createdAt: now.toISOString(),
    spec,
    sla,
    pricing: {
      demandRps,
      usdPerHour: quote.usdPerHour,
      utilization: flags.utilization,
      minInstances: flags.minInstances,
      instanceType,
      region,
      traffic: describeTraffic(traffic),
      peakDemandRps: Math.round(peakDemandRps * 100) / 100,
    },
    measure: measureVariants,
    path: flags.path,
    ...(profile ? { source: profile } : {}),
    ...(source ? { environment: source.environment, stageShares: source.stages.map((s) => ({ name: s.name, sharePct: s.sharePct })) } : {}),
    notes,
    ...(extra.skip ? { skip: extra.skip } : {}),
  });
  // Stage shares measured during the run (no document): filled in after, from the current spec's last run.
  const finished: WhatifResult = !source && currentStages ? withStageShares(doc, currentStages) : doc;
  await writeJsonAtomic(out, finished);
  if (flags.json) rt.stdout.write(`${JSON.stringify(finished, null, 2)}\n`);
  else rt.stdout.write(`${formatWhatif(finished)}\nwritten: ${out}\n`);
  return { doc: finished, path: out };
}

/** Where every variant's search starts: --start-rps, else just below the profile's throughput; undefined: a probe of each. */
export function whatifStartRps(startRps: number | undefined, profiledRps: number | undefined): number | undefined {
  return startRps ?? (profiledRps !== undefined ? profiledRps * PROFILE_START_SHARE : undefined);
}

function withStageShares(doc: WhatifResult, shares: { name: string; sharePct: number }[]): WhatifResult {
  const shareOf = (stages: readonly string[]): number | null => {
    const found = shares.filter((s) => stages.includes(s.name));
    return found.length === 0 ? null : Math.round(found.reduce((sum, s) => sum + s.sharePct, 0) * 10) / 10;
  };
  return { ...doc, stageShares: shares, rows: doc.rows.map((r) => ({ ...r, stageSharePct: shareOf(r.stages) })) };
}

function describeTraffic(t: TrafficModel): string {
  if (t.kind === 'business-hours') {
    const flat = t.peakRps === t.offPeakRps && (t.weekendRps === undefined || t.weekendRps === t.peakRps);
    const growth = t.growthFactor !== 1 ? ` x${t.growthFactor}` : '';
    return flat ? `${t.peakRps} req/s flat${growth}` : `${t.peakRps} req/s in business hours (${t.businessHours.hours} ${t.timeZone}), ${t.offPeakRps} off-peak${growth}`;
  }
  return `the traffic model (${t.kind})`;
}

