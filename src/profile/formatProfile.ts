import { textTable } from '../util/textTable.js';
import type { ProfileResult } from '../schema/profileResult.js';
import { TORCHSERVE_HANDLER_STAGES } from '../schema/profileSpec.js';
import { compareProfiles, comparisonNotes } from '../schema/profileComparison.js';

/** Human-readable summaries of profile documents: the article's stage table and more. */

const fmt = (n: number | undefined, digits = 2): string => (n === undefined ? '-' : n.toFixed(digits));

/** The serving setup: the spec's, or "server spec unknown" for a server that did not say it. */
function describeServer(result: ProfileResult): string {
  const t = result.transport;
  if (t?.kind === 'http' && t.serverSpec === 'unknown (external server)') return ', server spec unknown (external server)';
  return `, ${result.spec!.engine.instances} instance(s), batching ${result.spec!.batching.policy}`;
}

export function formatProfileSummary(result: ProfileResult): string {
  const lines: string[] = [];
  const spec = result.spec;
  const env = result.environment;
  // A SageMaker endpoint's engine, instances and batching are its own, not the spec's.
  const endpoint = result.transport?.kind === 'sagemaker';
  lines.push(
    (endpoint
      ? `${result.name}: load ${describeLoad(result)}`
      : `${result.name}: ${result.model?.source ?? 'model'} on ${env.executionProvider ?? 'an unknown execution provider'}` +
        (spec ? `${describeServer(result)}, load ${describeLoad(result)}` : '')) +
      describeTransport(result) +
      ` — ${env.instanceType ?? env.cpuModel}`,
  );
  const rows = [['stage', 'mean ms', 'p50 ms', 'p95 ms', 'p99 ms', 'share']];
  for (const s of result.stages) {
    rows.push([s.name, fmt(s.meanMs), fmt(s.p50Ms), fmt(s.p95Ms), fmt(s.p99Ms), `${fmt(s.sharePct, 1)}%`]);
  }
  const e = result.latency.endToEnd;
  rows.push([result.latency.server ? 'end to end (client)' : 'end to end', fmt(e.meanMs), fmt(e.p50Ms), fmt(e.p95Ms), fmt(e.p99Ms), '100%']);
  if (result.latency.server) {
    const c = result.latency.server;
    rows.push(['server total', fmt(c.meanMs), fmt(c.p50Ms), fmt(c.p95Ms), fmt(c.p99Ms), '']);
  }
  lines.push(textTable(rows, { alignRight: [false, true, true, true, true, true] }));
  lines.push(
    `throughput ${fmt(result.throughputRps, 1)} req/s; latency p50 ${fmt(e.p50Ms, 1)} ms, p95 ${fmt(e.p95Ms, 1)} ms${intervalText(result, 'p95')}, p99 ${fmt(e.p99Ms, 1)} ms${intervalText(result, 'p99')}`,
  );
  const r = result.requests;
  lines.push(
    `requests ${r.completed} completed, ${r.failed} failed, ${r.dropped} dropped; mean batch ${fmt(result.batches.meanBatchSize, 1)}` +
      (r.failures.length > 0 ? `; failures: ${r.failures.map((f) => `${f.reason} (${f.count})`).join('; ')}` : ''),
  );
  const u = result.utilization;
  const gpu = u.gpu?.utilPct !== undefined ? `GPU ${fmt(u.gpu.utilPct, 0)}%` : `GPU n/a${env.gpuAbsentReason ? ` (${env.gpuAbsentReason})` : ''}`;
  lines.push(`utilisation: CPU ${fmt(u.cpuPct, 0)}% of host, RSS ${fmt(u.rssMiB?.max, 0)} MiB max, ${gpu}`);
  const cs = result.coldStart;
  lines.push(`cold start: model load ${fmt(cs.modelLoadMs, 0)} ms, first request ${fmt(cs.firstRequestMs, 1)} ms (warm, alone: median ${fmt(cs.warmMedianMs, 1)} ms)`);
  lines.push(`${result.measurement.stable ? 'stable' : 'UNSTABLE'}: ${result.measurement.stabilityNote}`);
  for (const w of result.warnings.filter((w) => !w.startsWith('unstable:'))) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** Over HTTP the latency is what the client saw; say how it got there (network = client − server total). */
function describeTransport(result: ProfileResult): string {
  const t = result.transport;
  if (t?.kind === 'sagemaker') {
    const variants = Object.entries(t.invokedVariants ?? {}).map(([name, n]) => `${name} ${n}`).join(', ');
    return `, through InvokeEndpoint to SageMaker endpoint ${t.endpointName}${t.variant ? `/${t.variant}` : ''} in ${t.region} (${t.protocol}${variants ? `; served by ${variants}` : ''})`;
  }
  if (t?.kind !== 'http') return '';
  const where = t.server === 'agent' ? `the agent at ${t.url}` : t.url;
  return `, over HTTP to ${where} (${t.protocol})`;
}

function describeLoad(result: ProfileResult): string {
  const load = result.spec?.load;
  if (!load) return 'n/a';
  switch (load.kind) {
    case 'closed-loop':
      return `${load.concurrency} concurrent`;
    case 'constant-rate':
      return `${load.rps} req/s constant`;
    case 'poisson':
      return `${load.rps} req/s poisson`;
    case 'schedule':
      return `schedule of ${load.steps.length} steps`;
  }
}

/** Side by side: where the time went in A and B, and the throughput ratio. */
export function formatComparison(a: ProfileResult, b: ProfileResult): string {
  const names = [...new Set([...a.stages.map((s) => s.name), ...b.stages.map((s) => s.name)])];
  const rows = [['stage', `${a.name} ms`, 'share', `${b.name} ms`, 'share']];
  for (const name of names) {
    const sa = a.stages.find((s) => s.name === name);
    const sb = b.stages.find((s) => s.name === name);
    rows.push([name, fmt(sa?.meanMs), sa ? `${fmt(sa.sharePct, 1)}%` : '-', fmt(sb?.meanMs), sb ? `${fmt(sb.sharePct, 1)}%` : '-']);
  }
  rows.push(['end to end (mean)', fmt(a.latency.endToEnd.meanMs), '', fmt(b.latency.endToEnd.meanMs), '']);
  rows.push(['p95', fmt(a.latency.endToEnd.p95Ms), '', fmt(b.latency.endToEnd.p95Ms), '']);
  rows.push(['throughput req/s', fmt(a.throughputRps, 1), '', fmt(b.throughputRps, 1), '']);
  rows.push(['mean batch', fmt(a.batches.meanBatchSize, 1), '', fmt(b.batches.meanBatchSize, 1), '']);
  rows.push(['CPU % of host', fmt(a.utilization.cpuPct, 0), '', fmt(b.utilization.cpuPct, 0), '']);
  const comparison = compareProfiles(a, b);
  return [
    textTable(rows, { alignRight: [false, true, true, true, true] }),
    comparison.throughput.sentence,
    ...comparisonNotes(comparison),
    `I/O stages (config load, spooling, request log) took ${ioShareText(a)} and ${ioShareText(b)}.`,
  ].join('\n');
}

const IO_STAGES: ReadonlySet<string> = new Set(['configLoad', 'payloadSpool', 'requestLog']);

/**
 * The I/O stages' share of the time they hold up. Behind TorchServe's batcher that is a worker's
 * own time per request (its handler stages and its share of the batch's forward pass: what the
 * article profiled inside the handler), since the worker runs them serially; elsewhere, the whole
 * request's time.
 */
export function ioShareText(r: ProfileResult): string {
  const meanMs = (name: string): number => r.stages.find((s) => s.name === name)?.meanMs ?? 0;
  if (r.spec?.batching.policy === 'torchserve') {
    const batch = r.batches.meanBatchSize > 0 ? r.batches.meanBatchSize : 1;
    const handlerMs = [...TORCHSERVE_HANDLER_STAGES].reduce((t, name) => t + meanMs(name), 0);
    const workerMs = handlerMs + meanMs('infer') / batch;
    const ioMs = [...IO_STAGES].reduce((t, name) => t + meanMs(name), 0);
    return `${fmt(workerMs > 0 ? (100 * ioMs) / workerMs : 0, 1)}% of ${r.name}'s worker time per request`;
  }
  const pct = r.stages.filter((s) => IO_STAGES.has(s.name)).reduce((t, s) => t + s.sharePct, 0);
  return `${fmt(pct, 1)}% of ${r.name}'s request time`;
}

/** " (90% 44.0–63.2)" after a percentile, "?" for an upper end the requests cannot bound; "" without intervals. */
function intervalText(result: ProfileResult, percentile: 'p95' | 'p99'): string {
  const i = result.latency.endToEndIntervals?.[percentile];
  return i ? ` (90% ${fmt(i.lowerMs, 1)}–${i.upperMs === null ? '?' : fmt(i.upperMs, 1)})` : '';
}
