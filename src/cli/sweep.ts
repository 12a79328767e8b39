import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { sweepCapacity, unmetSweep } from '../app/sweep.js';
import { declaredInstanceType } from '../app/targets.js';
import { createRunEventBus } from '../profile/events.js';
import type { SweepResult } from '../schema/sweepResult.js';
import { buildDefinition, DEFAULT_BUDGET_S, DEFAULT_RPS_REPEATS, DEFAULT_TARGET_PRECISION_PCT } from '../sweep/definition.js';
import { formatSweep } from '../sweep/format.js';
import { sweepProgressLines } from '../sweep/progressLines.js';
import { DEFAULT_MAX_POINTS } from '../sweep/search.js';
import { parseVary } from '../sweep/vary.js';
import { realClock } from '../util/clock.js';
import { InterruptedError, UsageError } from '../util/errors.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { durationSeconds, latencySla, percentage, positiveInt, text } from './flags.js';
import { displayPath, nextPlanCommand, shellQuote } from './nextCommand.js';
import type { Register } from './program.js';
import { stepReporter } from './progress.js';
import { addSpecFlags, addTransportFlags, resolveSpec, resolveTransport, specForTransport, type SpecFlags, type TransportFlags } from './profileSpecFlags.js';
import type { Runtime } from './runtime.js';
import { LIVE_FLAGS, startLiveSession, type LiveFlags, type LiveHooks } from './liveServe.js';

const SWEEP_FLAGS = {
  vary: {
    flag: '--vary <param=values...>',
    parse: text,
    many: true,
    help:
      'what to vary: maxBatchSize, preferredBatchSizes, maxQueueDelayUs, instances, batchSize, maxBatchDelayMs (configurations, ' +
      "cross product) and concurrency or rps (the load axis, default rps=auto: open-loop Poisson arrivals from a one-client probe; " +
      "concurrency=auto for a closed loop). Values: 1,4,8 or 1..64 (doubling); " +
      "concurrency/rps also 'auto' (search); preferredBatchSizes '4,8|8,16'; maxBatchDelayMs also 'none'",
  },
  sla: { flag: '--sla <sla>', parse: latencySla, help: "latency SLA the search aims at, required, e.g. 'p95<=100ms'" },
  out: {
    flag: '--out <file>',
    parse: text,
    help: 'where to write the sweep document; a checkpoint <file>.checkpoint.json lets the same command resume',
    defaultHelp: 'profiles/results/sweep-<name>-<time>.json',
  },
  budget: {
    flag: '--budget <span>',
    parse: durationSeconds,
    help: 'measurement time an rps search may spend (all configurations together), e.g. 10m or 300s; a larger budget on a re-run resumes and narrows the interval',
    defaultHelp: `${DEFAULT_BUDGET_S / 60}m`,
  },
  targetPrecision: {
    flag: '--target-precision <pct>',
    parse: percentage,
    help: "the capacity interval's half-width an rps search aims at, in percent of the estimate; a wider interval at the end is a warning",
    defaultHelp: `${DEFAULT_TARGET_PRECISION_PCT}%`,
  },
  maxPoints: { flag: '--max-points <n>', parse: positiveInt, help: 'bound on runs (rps search) or points (other searches) per configuration', default: DEFAULT_MAX_POINTS },
  repeats: {
    flag: '--repeats <k>',
    parse: positiveInt,
    help: 'runs of each point of a concurrency axis or a listed rps axis, each with another arrival seed (an rps search decides its runs itself)',
    defaultHelp: `${DEFAULT_RPS_REPEATS} on a listed rps axis, 1 on a concurrency axis`,
  },
  json: { flag: '--json', help: 'print the sweep document on stdout instead of the tables' },
  quiet: { flag: '--quiet', help: 'no progress on stderr' },
  instanceType: { flag: '--instance-type <type>', parse: text, help: 'the EC2 instance type these figures stand for (read from IMDS on EC2)' },
} satisfies FlagTable;

const SWEEP_EXITS: ExitTable = {
  ok: 'the sweep document is written, and a configuration meets the SLA',
  usage: 'a bad flag or flag value, preset, --vary or checkpoint, no --sla, or flags that do not go together',
  input: 'the model or the --images folder is missing or invalid',
  environment: 'the execution provider (--device) cannot load, or --target does not answer (or no AWS credentials for a SageMaker endpoint)',
  measurement: 'no configuration met the SLA at any load measured (the document is written), or a run measured nothing usable',
  remote: '--target or the SageMaker endpoint answered with an error',
  interrupted: 'Ctrl-C: the finished points are kept in the checkpoint, and the same command resumes',
};

type SweepFlags = FlagValues<typeof SWEEP_FLAGS> & SpecFlags & TransportFlags & Partial<LiveFlags>;

export const registerSweepCommand: Register = (program, rt) => {
  const command = program
    .command('sweep')
    .description('measure capacity curves: each configuration at rising load, up to the highest throughput that meets the SLA');
  addExitCodes(addTransportFlags(addSpecFlags(addFlags(addFlags(command, SWEEP_FLAGS), LIVE_FLAGS), 'sweep'), 'sweep'), SWEEP_EXITS).action(async (flags: SweepFlags & LiveFlags) => {
    const live = flags.serve ? await startLiveSession(rt, flags, 'sweep', { sla: flags.sla ?? null }) : undefined;
    await sweepCommand(flags, rt, live).finally(() => live?.end());
  });
};

export async function sweepCommand(flags: SweepFlags, rt: Runtime, live?: LiveHooks): Promise<SweepResult> {
  const { sla } = flags;
  if (!sla) {
    // No default: the search aims at the SLA, so one nobody chose would decide what gets measured.
    throw new UsageError('--sla is required', "e.g. --sla 'p95<=100ms' (percentiles p50, p90, p95, p99)");
  }
  const vary = parseVary(flags.vary ?? []);
  const instanceType = await declaredInstanceType(flags.instanceType, rt);
  const transport = resolveTransport(flags);
  if (transport.kind === 'agent') {
    throw new UsageError('sweep --transport http is not built yet', 'start `capacity-plan agent` yourself and sweep it with --target <url>');
  }
  const varied = vary.config.map((c) => c.param);
  if (transport.kind !== 'inprocess' && varied.length > 0) {
    throw new UsageError(
      `--vary ${varied.join(', ')} does not apply with --target: the target server's own configuration applies`,
      'with --target only the load varies: --vary concurrency=... or rps=...',
    );
  }
  const { spec: baseSpec, warnings: transportWarnings } = specForTransport(await resolveSpec(flags, rt.env, rt.cwd), transport, flags);
  const definition = buildDefinition({
    baseSpec,
    vary,
    sla,
    maxPoints: flags.maxPoints,
    startConcurrency: flags.concurrency,
    startRps: flags.rps,
    repeats: flags.repeats,
    budgetS: flags.budget,
    targetPrecisionPct: flags.targetPrecision,
  });
  const out = flags.out ? resolve(rt.cwd, flags.out) : join(rt.cwd, 'profiles', 'results', `sweep-${baseSpec.name}-${rt.now().toISOString().replace(/[:.]/g, '-')}.json`);

  // One bus for the whole sweep: point-start, that point's profile run, point-done, the next point.
  const events = createRunEventBus({ runId: randomUUID(), clock: realClock });
  events.subscribe(
    stepReporter(rt, {
      quiet: Boolean(flags.quiet || flags.json),
      label: (e) =>
        e.type !== 'point-start'
          ? undefined
          : e.probe
            ? `${e.configuration} probe`
            : `${e.configuration} ${e.offered.kind}=${e.offered.value}${e.repeat > 0 ? ` #${e.repeat + 1}` : ''}`,
      lines: (event) => sweepProgressLines(event, sla),
    }),
  );
  live?.start(events, { name: baseSpec.name, sla });

  let result: SweepResult;
  try {
    result = await sweepCapacity({ definition, transport, transportWarnings, instanceType, out }, rt, events);
  } catch (error) {
    if (error instanceof InterruptedError) {
      throw new InterruptedError(`${error.message}; to resume, run the same command again${flags.out ? '' : ` with --out ${shellQuote(out)}`}`);
    }
    throw error;
  }
  live?.documentWritten(result, out);
  const shownOut = displayPath(rt.cwd, out);
  if (flags.json) rt.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else rt.stdout.write(`${formatSweep(result)}\nwritten: ${out}\n`);

  const unmet = unmetSweep(result, shownOut);
  if (unmet) throw unmet;
  const next = nextPlanCommand(shownOut, sla, result.environment.instanceType);
  // With --json, stdout holds only the document.
  (flags.json ? rt.stderr : rt.stdout).write(`${next}\n`);
  return result;
}
