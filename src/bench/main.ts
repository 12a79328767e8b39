#!/usr/bin/env node
/**
 * `npm run bench`: every benchmark in one process and one run, so the ratios are measured side by
 * side on the same machine at the same time. A readable table on stdout, or with --json exactly one
 * JSON object; progress goes to stderr. `--only a,b` runs a subset (figure names, or a prefix such
 * as `harnessEfficiency`). docs/bench.md says what each figure means.
 */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { defaultHome } from '../util/home.js';
import { textTable } from '../util/textTable.js';
import { onnxruntimeVersion } from '../model/providers.js';
import { benchHarnessEfficiency, HARNESS_DEFAULTS, type HarnessModel } from './harnessBench.js';
import { benchHttpOverhead } from './httpBench.js';
import { benchLoadgenVsAutocannon } from './loadgenBench.js';
import { benchPlanFullCatalog } from './planBench.js';
import { benchCapacity, type CapacityFigures } from './capacityBench.js';
import { benchReport } from './reportBench.js';
import { benchRightsizeAnalysis } from './rightsizeBench.js';
import { benchStageAccounting } from './stageBench.js';

interface Target {
  text: string;
  meets(value: number): boolean;
}

interface Bench {
  /** The figure's name: a key of the JSON output and a row of the table. */
  name: string;
  target: Target | null;
  /** Decimals shown in the table. */
  digits: number;
  /** Runs the benchmark: the figure, and supporting raw figures (flat, dotted keys). */
  run(context: BenchContext): Promise<{ value: number; raw: Record<string, unknown> }>;
}

interface BenchContext {
  home: string;
  cwd: string;
  log: (line: string) => void;
  /** --sweep-budget: the capacity figures' sweeps with a smaller budget than a default sweep's. */
  sweepBudgetS?: number;
}

const atLeast = (min: number, shown = String(min)): Target => ({ text: `>= ${shown}`, meets: (v) => v >= min });
const below = (max: number): Target => ({ text: `< ${max}`, meets: (v) => v < max });
const between = (min: number, max: number): Target => ({ text: `${min}-${max}`, meets: (v) => v >= min && v <= max });

function harnessBench(model: HarnessModel): Bench {
  return {
    name: `harnessEfficiency.${model}`,
    target: atLeast(0.95),
    digits: 3,
    async run({ home, cwd, log }) {
      const f = await benchHarnessEfficiency({ model, home, cwd, log, ...HARNESS_DEFAULTS[model] });
      return { value: f.efficiency, raw: prefixed(`harness.${model}`, f) };
    },
  };
}

/**
 * The three capacity figures come from one measurement (two sweeps, then trials at the planned
 * rate): the first of them runs it, the other two read the same figures.
 */
function capacityBenches(): Bench[] {
  let figures: Promise<CapacityFigures> | undefined;
  const measure = (context: BenchContext): Promise<CapacityFigures> =>
    (figures ??= benchCapacity({ home: context.home, cwd: context.cwd, log: context.log, ...(context.sweepBudgetS ? { sweepBudgetS: context.sweepBudgetS } : {}) }));
  const bench = (name: keyof Pick<CapacityFigures, 'capacityRepeatability' | 'planHolds' | 'planTightness'>, target: Target): Bench => ({
    name,
    target,
    digits: 2,
    async run(context) {
      const f = await measure(context);
      return { value: f[name], raw: name === 'capacityRepeatability' ? prefixed('capacity', f) : {} };
    },
  });
  return [bench('capacityRepeatability', atLeast(0.85)), bench('planHolds', atLeast(0.95)), bench('planTightness', atLeast(0.8))];
}

/** In run order: the quick, quiet ones first, the heavy CPU-bound ones last. */
const BENCHES: Bench[] = [
  {
    name: 'planFullCatalogMs',
    target: below(200),
    digits: 1,
    async run() {
      const { planFullCatalogMs } = await benchPlanFullCatalog();
      return { value: planFullCatalogMs, raw: {} };
    },
  },
  {
    name: 'reportRenderMs',
    target: below(1000),
    digits: 0,
    async run() {
      const f = await benchReport('render');
      return { value: f.reportRenderMs, raw: { 'report.renderRunsMs': f.renderRunsMs, 'report.windows': 1800 } };
    },
  },
  {
    name: 'liveEventToDomMs',
    target: below(250),
    digits: 0,
    async run() {
      const f = await benchReport('live');
      return { value: f.liveEventToDomMs, raw: { 'live.events': f.liveEvents } };
    },
  },
  {
    name: 'rightsizeAnalysisMs',
    target: below(1000),
    digits: 1,
    async run() {
      const { rightsizeAnalysisMs, findings } = await benchRightsizeAnalysis();
      return { value: rightsizeAnalysisMs, raw: { 'rightsize.fleets': 100, 'rightsize.minutesPerFleet': 14 * 1440, 'rightsize.findings': findings } };
    },
  },
  {
    name: 'loadgenVsAutocannon',
    target: atLeast(1, '1.0'),
    digits: 2,
    async run() {
      const f = await benchLoadgenVsAutocannon();
      return { value: f.loadgenVsAutocannon, raw: { 'loadgen.loadgenRps': f.loadgenRps, 'loadgen.autocannonRps': f.autocannonRps } };
    },
  },
  {
    name: 'stageAccounting',
    target: between(0.95, 1.05),
    digits: 3,
    async run({ home, cwd }) {
      const preset = await benchStageAccounting({ home, cwd });
      // Supporting: the same with client-side tensors, where every stage but the model takes
      // microseconds and any unattributed gap between stages would show.
      const client = await benchStageAccounting({ home, cwd, preprocess: 'client' });
      return { value: preset.stageAccounting, raw: { ...prefixed('stages.serverPreprocess', preset), ...prefixed('stages.clientTensors', client) } };
    },
  },
  {
    name: 'httpOverhead',
    // httpBench.ts defines the figure (in-process rps / HTTP rps; 1.0 = HTTP costs nothing) and
    // states no target: the table shows it for information.
    target: null,
    digits: 2,
    async run() {
      const f = await benchHttpOverhead();
      return { value: f.httpOverhead, raw: { 'http.inProcessRps': f.inProcessRps, 'http.httpRps': f.httpRps } };
    },
  },
  harnessBench('tiny'),
  harnessBench('resnet50'),
  ...capacityBenches(),
];

interface Row {
  name: string;
  value: number | null;
  digits: number;
  target: string;
  meets: boolean | null;
  seconds: number;
  error?: string;
}

interface BenchArgs {
  json: boolean;
  only: string[] | null;
  sweepBudgetS?: number;
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { json: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') args.json = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const list = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!list) throw new Error('--only needs a comma-separated list of benchmark names');
      args.only = list.split(',').map((s) => s.trim()).filter(Boolean);
    } else if (arg === '--sweep-budget' || arg.startsWith('--sweep-budget=')) {
      const value = Number(arg === '--sweep-budget' ? argv[++i] : arg.slice('--sweep-budget='.length));
      if (!(value > 0)) throw new Error('--sweep-budget needs a number of seconds above zero');
      args.sweepBudgetS = value;
    } else if (arg === '--help' || arg === '-h') {
      throw new HelpRequested();
    } else throw new Error(`unknown argument '${arg}'`);
  }
  return args;
}

class HelpRequested extends Error {}

/** Benchmarks named by --only: an exact name, or a prefix before a dot (`harnessEfficiency`). */
function selectBenches(only: string[] | null): Bench[] {
  if (!only) return BENCHES;
  const unknown = only.filter((o) => !BENCHES.some((b) => matches(b.name, o)));
  if (unknown.length > 0) throw new Error(`--only: unknown benchmark(s) ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})`);
  return BENCHES.filter((b) => only.some((o) => matches(b.name, o)));
}

function matches(name: string, pattern: string): boolean {
  return name === pattern || name.startsWith(`${pattern}.`);
}

function usage(): string {
  return [
    'usage: npm run bench -- [--json] [--only name,name,...] [--sweep-budget <s>]',
    '',
    'benchmarks (in run order):',
    ...BENCHES.map((b) => `  ${b.name.padEnd(28)} target ${b.target?.text ?? '(informational)'}`),
    '',
    'Progress goes to stderr; --json prints exactly one JSON object on stdout. See docs/bench.md.',
  ].join('\n');
}

function machine(): { cpuModel: string; cores: number; memoryGiB: number; loadAverage1mAtStart: number; platform: string; node: string; onnxruntime: string } {
  return {
    cpuModel: cpus()[0]?.model.trim() || 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverage1mAtStart: Math.round(loadavg()[0]! * 100) / 100,
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    onnxruntime: onnxruntimeVersion(),
  };
}

async function main(): Promise<number> {
  let args: BenchArgs;
  let benches: Bench[];
  try {
    args = parseArgs(process.argv.slice(2));
    benches = selectBenches(args.only);
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    process.stderr.write(`error: ${(error as Error).message}\n${usage()}\n`);
    return 2;
  }
  const context: BenchContext = {
    home: defaultHome(process.env),
    cwd: process.cwd(),
    log: (line) => process.stderr.write(`${line}\n`),
    ...(args.sweepBudgetS ? { sweepBudgetS: args.sweepBudgetS } : {}),
  };
  const startedAt = new Date();
  const machineInfo = machine();
  context.log(`bench: ${benches.length} benchmark(s) on ${machineInfo.cpuModel} x ${machineInfo.cores} cores`);
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  for (const bench of benches) {
    context.log(`${bench.name} ...`);
    const start = performance.now();
    try {
      const { value, raw: more } = await bench.run(context);
      const seconds = round((performance.now() - start) / 1000, 1);
      rows.push({ name: bench.name, value, digits: bench.digits, target: bench.target?.text ?? '-', meets: bench.target ? bench.target.meets(value) : null, seconds });
      Object.assign(raw, more);
      context.log(`${bench.name} = ${value} (${seconds} s)`);
    } catch (error) {
      const seconds = round((performance.now() - start) / 1000, 1);
      const message = (error as Error).message?.split('\n')[0] ?? String(error);
      rows.push({ name: bench.name, value: null, digits: bench.digits, target: bench.target?.text ?? '-', meets: null, seconds, error: message });
      context.log(`${bench.name} failed: ${message}`);
    }
  }
  const totalSeconds = round(rows.reduce((t, r) => t + r.seconds, 0), 1);
  if (args.json) {
    const document = {
      kind: 'bench',
      schemaVersion: 1,
      createdAt: startedAt.toISOString(),
      ...Object.fromEntries(rows.map((r) => [r.name, r.value])),
      targets: Object.fromEntries(rows.map((r) => [r.name, r.target])),
      meets: Object.fromEntries(rows.map((r) => [r.name, r.meets])),
      seconds: Object.fromEntries(rows.map((r) => [r.name, r.seconds])),
      ...(rows.some((r) => r.error) ? { errors: Object.fromEntries(rows.filter((r) => r.error).map((r) => [r.name, r.error])) } : {}),
      raw,
      machine: machineInfo,
      totalSeconds,
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    // The table too, for the person watching: stderr, so stdout stays one JSON object.
    process.stderr.write(formatTable(rows, machineInfo, totalSeconds));
  } else {
    process.stdout.write(formatTable(rows, machineInfo, totalSeconds));
  }
  return rows.some((r) => r.error) ? 1 : 0;
}

function formatTable(rows: Row[], machineInfo: ReturnType<typeof machine>, totalSeconds: number): string {
  const header = ['name', 'value', 'target', 'meets'];
  const body = rows.map((r) => [r.name, r.value === null ? `error: ${r.error}` : r.value.toFixed(r.digits), r.target, r.meets === null ? '-' : r.meets ? 'yes' : 'NO']);
  return [
    textTable([header, ...body], { style: 'markdown' }),
    '',
    `${machineInfo.cpuModel}, ${machineInfo.cores} cores, node ${machineInfo.node}, onnxruntime ${machineInfo.onnxruntime}; ${totalSeconds} s`,
    '',
  ].join('\n');
}

function prefixed(prefix: string, figures: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [`${prefix}.${k}`, v]));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

process.exitCode = await main();
