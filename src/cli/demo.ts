import { join } from 'node:path';
import { formatComparison } from '../profile/formatProfile.js';
import type { ProfileResult } from '../schema/profileResult.js';
import { parseSla } from '../schema/sla.js';
import { loadDocuments } from '../server/report/documentStore.js';
import { renderReportHtml } from '../server/report/exportHtml.js';
import { writeFileAtomic } from '../util/documents.js';
import { addExitCodes, type ExitTable } from './exitCodes.js';
import { durationSeconds, positiveNumber } from './flags.js';
import { PLAN_FLAGS } from './plan.js';
import { profileCommand } from './profile.js';
import type { Register } from './program.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { SPEC_FLAGS } from './specFlags.js';
import { LIVE_FLAGS, startLiveSession, type LiveFlags } from './liveServe.js';
import { whatifCommand, type WhatifFlags } from './whatif.js';

/**
 * The article's experiment on this machine: the TorchServe-style fat handler and the thin Triton
 * setup, same model and images, each for a bounded time, then side by side, ending in the
 * comparison report (one HTML file beside the two documents).
 *
 * By default the demo runs the built-in tiny model on smaller JPEGs: on a CPU, ResNet-50's forward
 * pass is ~90% of request time in both setups and hides the I/O the article is about, while on the
 * article's T4 inference (31 ms a batch) was of the order of preprocessing (38 ms). The tiny model
 * keeps that proportion on a CPU; the demo prints what it measured so the reader can judge. It
 * then prices each torchserve-default setting (`whatif`) and opens the report with the waterfall.
 * `--model resnet50` is the demo as it was: the two profiles and their comparison.
 */
const DEMO_MODEL = 'tiny';
/** Smaller than the article's ~1.2 MB so decoding does not dominate on a CPU; still above the 64 KiB spool threshold. */
const DEMO_IMAGE_BYTES = 150_000;
/** The article's per-request figures on a T4 (../shared/seeds): a reference line, never a result. */
/**
 * The what-if's traffic, in torchserve-default's throughput on this host: enough that the current
 * setup needs several instances, so a setting that moves capacity by a fifth moves the instance
 * count and shows in dollars (the article's needed two TorchServe instances or one Triton).
 */
const DEMO_TRAFFIC_MULTIPLE = 4;
/**
 * The what-if's SLA: a bound short runs can judge, since overload pushes p95 past it within a
 * second (the two presets' p95 under 32 clients is 85-155 ms here); a lax one lets a 4 s run
 * above capacity pass before its queue has grown.
 */
const DEMO_SLA = 'p95<=250ms';
const ARTICLE_REFERENCE = 'the article on a T4 (reference, not measured here): inference 31 ms, preprocess 38 ms, config load 41 ms per request; 47 -> 183 req/s, $803 -> $384 a month';

/** Seconds per preset: each run ends earlier once its windows are stable. */
const DEMO_DURATION_S = 25;
/** Measurement time of each what-if variant's capacity search: the demo stays a few minutes. */
const DEMO_WHATIF_BUDGET_S = 22;

const DEMO_FLAGS = {
  model: { ...SPEC_FLAGS.model, help: "model to use; 'resnet50' runs the demo as it was (no what-if)", default: DEMO_MODEL },
  duration: { ...SPEC_FLAGS.duration, help: 'bound on seconds per preset, warm-up included (a run ends once its windows are stable)', default: DEMO_DURATION_S },
  inputShape: SPEC_FLAGS.inputShape,
  images: SPEC_FLAGS.images,
  imageBytes: { ...SPEC_FLAGS.imageBytes, defaultHelp: `${DEMO_IMAGE_BYTES}; with --model resnet50, the article's ~1.2 MB` },
  sla: { ...PLAN_FLAGS.sla, help: "the what-if's latency SLA", default: parseSla(DEMO_SLA), defaultHelp: DEMO_SLA },
  peakRps: {
    flag: '--peak-rps <rps>',
    parse: positiveNumber,
    help: "the what-if's traffic, flat",
    defaultHelp: `${DEMO_TRAFFIC_MULTIPLE}x torchserve-default's measured throughput`,
  },
  // No default here: commander sets a --no- flag's value true unless it is given.
  whatif: { flag: '--no-whatif', help: 'only the two profiles and their comparison' },
  whatifBudget: {
    flag: '--whatif-budget <span>',
    parse: durationSeconds,
    help: "measurement time of each what-if variant's capacity search",
    default: DEMO_WHATIF_BUDGET_S,
    defaultHelp: `${DEMO_WHATIF_BUDGET_S}s`,
  },
  json: { flag: '--json', help: 'print both result documents as a JSON array' },
} satisfies FlagTable;

const DEMO_EXITS: ExitTable = {
  ok: 'both profiles, their comparison and the report are written',
  input: 'the model or the --images folder is missing or invalid',
  environment: "the execution provider ($CAPACITY_PLAN_DEVICE) cannot load, or --serve's port is taken",
  measurement: 'a run measured nothing usable (no request succeeded, more than 1% failed, no window fit in --duration)',
  interrupted: 'Ctrl-C: no document is half-written',
};

type DemoFlags = FlagValues<typeof DEMO_FLAGS> & LiveFlags;

export const registerDemoCommand: Register = (program, rt) => {
  const command = program
    .command('demo')
    .description('profile the torchserve-default and triton-dynamic presets, compare them, and price each torchserve-default setting (whatif)');
  addExitCodes(addFlags(addFlags(command, DEMO_FLAGS), LIVE_FLAGS), DEMO_EXITS).action(async (flags: DemoFlags) => {
    const quietStdout = { write: () => true };
    const docs: ProfileResult[] = [];
    const paths: string[] = [];
    const asBefore = flags.model === 'resnet50';
    const imageBytes = demoImageBytes(flags);
    const live = flags.serve ? await startLiveSession(rt, flags, 'demo') : undefined;
    try {
      for (const preset of ['torchserve-default', 'triton-dynamic']) {
        const inner = { ...rt, stdout: flags.json ? quietStdout : rt.stdout };
        const { result, path } = await profileCommand({ preset, model: flags.model, duration: flags.duration, inputShape: flags.inputShape, images: flags.images, imageBytes }, inner, live);
        docs.push(result);
        paths.push(path);
        if (!flags.json) rt.stdout.write('\n');
      }
      const [a, b] = docs as [ProfileResult, ProfileResult];
      if (flags.json) rt.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
      else rt.stdout.write(`${formatComparison(a, b)}\n`);
      if (!flags.json && !asBefore) rt.stdout.write(`${standInLine(flags.model, a)}\n${ARTICLE_REFERENCE}\n`);
      if (flags.whatif && !asBefore) {
        const out = flags.json ? { ...rt, stdout: quietStdout } : rt;
        const peakRps = flags.peakRps ?? demoTrafficRps(a.throughputRps);
        const traffic = flags.peakRps !== undefined ? `${peakRps} req/s` : `${peakRps} req/s (${DEMO_TRAFFIC_MULTIPLE}x what torchserve-default served here, so settings show up as instances)`;
        rt.stdout.write(flags.json ? '' : `\nwhat each torchserve-default setting costs at ${traffic} (measured now: each variant's open-loop capacity, about ${flags.whatifBudget} s of runs each):\n`);
        const whatifFlags = {
          sla: flags.sla,
          peakRps,
          utilization: 0.8,
          minInstances: 1,
          businessHours: '09-18',
          tz: 'UTC',
          budget: flags.whatifBudget,
          path: 'ends',
        } as WhatifFlags;
        // Short runs (4 s) and no preprocess row (it moves work to the clients, off the path): the demo is a few minutes.
        const { path } = await whatifCommand(paths[0], whatifFlags, out, {
          measurementDurationS: Math.min(flags.duration, 4),
          skip: ['preprocess'],
          notes: ['demo: 4 s runs, preprocess on the client not measured; `capacity-plan whatif` on the profile document measures longer and every setting'],
        });
        paths.unshift(path);
      }
      // The documents as written: the report's sha256s are of those files.
      const { store } = await loadDocuments(paths, rt.cwd);
      const reportPath = join(rt.cwd, 'profiles', 'results', `demo-report-${b.createdAt.replace(/[:.]/g, '-')}.html`);
      await writeFileAtomic(reportPath, renderReportHtml({ entries: store.list() }));
      rt.stderr.write(`report: ${reportPath}\n`);
    } finally {
      // The live page becomes the comparison; without --keep-serving the command then exits.
      await live?.end();
    }
  });
};

/** The synthetic corpus's mean JPEG size: smaller than the article's unless --model resnet50 (undefined: the spec's). */
export function demoImageBytes(flags: Pick<DemoFlags, 'model' | 'images' | 'imageBytes'>): number | undefined {
  return flags.imageBytes ?? (flags.model === 'resnet50' || flags.images ? undefined : DEMO_IMAGE_BYTES);
}

/** DEMO_TRAFFIC_MULTIPLE times a throughput, rounded to 10 req/s (at least 10). */
export function demoTrafficRps(throughputRps: number): number {
  return Math.max(10, Math.round((DEMO_TRAFFIC_MULTIPLE * throughputRps) / 10) * 10);
}

/** "on this CPU, model tiny's forward pass stands in for ResNet-50 on a T4: 1.2 ms per image (...)", from the run's own stages. */
export function standInLine(model: string, doc: ProfileResult): string {
  const mean = (name: string): number => doc.stages.find((s) => s.name === name)?.meanMs ?? 0;
  const batch = doc.batches.meanBatchSize > 0 ? doc.batches.meanBatchSize : 1;
  const perImage = mean('infer') / batch;
  return (
    `on this CPU, model ${model}'s forward pass stands in for ResNet-50 on a T4: ${perImage.toFixed(1)} ms per image ` +
    `(measured in ${doc.name}: inference ${mean('infer').toFixed(1)} ms a batch of ${batch.toFixed(1)}, preprocess ${mean('preprocess').toFixed(1)} ms, config load ${mean('configLoad').toFixed(1)} ms per request)`
  );
}
