import * as hdr from 'hdr-histogram-js';
import { DISTRIBUTION_PERCENTILES, type LatencySummary, type PercentilePoint } from '../../schema/profileResult.js';

/**
 * The one latency histogram factory (autocannon's lib/histUtil.js): range and precision are
 * declared here once, so histograms from every worker can be encoded, sent and merged before
 * percentiles are taken. Values are recorded in whole microseconds, 1 µs to 60 s, 3 significant
 * digits (a percentile is within 0.1% of the true value: HDR reports the top of its bucket).
 */
export const LOWEST_US = 1;
export const HIGHEST_US = 60_000_000;
const BIT_BUCKET_SIZE = 64;

export interface LatencyHistogram {
  readonly hdr: hdr.Histogram;
  /** Values above HIGHEST_US, recorded as HIGHEST_US: if non-zero, the top percentiles are a floor. */
  clampedCount: number;
}

export function createLatencyHistogram(): LatencyHistogram {
  return { hdr: buildHdr(), clampedCount: 0 };
}

function buildHdr(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: BIT_BUCKET_SIZE,
    // Fixed range: a value out of range is our clamp's business, not a silent resize.
    autoResize: false,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

/** Records a latency; below 1 µs (including a negative clock difference) records as 1 µs. */
export function recordMs(h: LatencyHistogram, ms: number): void {
  if (Number.isNaN(ms)) throw new Error('recordMs: latency is NaN');
  let us = Math.round(ms * 1000);
  if (us < LOWEST_US) us = LOWEST_US;
  if (us > HIGHEST_US) {
    us = HIGHEST_US;
    h.clampedCount++;
  }
  h.hdr.recordValue(us);
}

/** Latency at percentile p (0..100) in ms; 0 when nothing was recorded. */
export function percentileMs(h: LatencyHistogram, p: number): number {
  return h.hdr.getValueAtPercentile(p) / 1000;
}

/**
 * min and max are read as percentiles 0 and 100 (the edges of their buckets), not the raw extremes:
 * a decoded or merged histogram knows only buckets, so this keeps a summary identical before and
 * after crossing a worker boundary, and keeps min <= p50 <= ... <= max.
 */
export function summarize(h: LatencyHistogram): LatencySummary {
  return {
    count: h.hdr.totalCount,
    meanMs: h.hdr.mean / 1000,
    minMs: percentileMs(h, 0),
    p50Ms: percentileMs(h, 50),
    p90Ms: percentileMs(h, 90),
    p95Ms: percentileMs(h, 95),
    p99Ms: percentileMs(h, 99),
    maxMs: percentileMs(h, 100),
  };
}

/** `<clampedCount>:<HDR compressed base64>`: the HDR encoding has no room for our clamp count. */
export function encodeHistogram(h: LatencyHistogram): string {
  return `${h.clampedCount}:${hdr.encodeIntoCompressedBase64(h.hdr)}`;
}

export function decodeHistogram(encoded: string): LatencyHistogram {
  const colon = encoded.indexOf(':');
  const clampedCount = Number(encoded.slice(0, colon));
  if (colon <= 0 || !Number.isInteger(clampedCount) || clampedCount < 0) {
    throw new Error('decodeHistogram: not an encoded latency histogram');
  }
  const decoded = hdr.decodeFromCompressedBase64(encoded.slice(colon + 1), BIT_BUCKET_SIZE, false);
  // Merge into a fresh factory histogram so the result has exactly our range and settings.
  const h = createLatencyHistogram();
  h.hdr.add(decoded);
  h.clampedCount = clampedCount;
  return h;
}

/** A new histogram holding every value of every input (inputs are left unchanged). */
export function mergeHistograms(list: readonly LatencyHistogram[]): LatencyHistogram {
  const merged = createLatencyHistogram();
  for (const h of list) {
    merged.hdr.add(h.hdr);
    merged.clampedCount += h.clampedCount;
  }
  return merged;
}

/** Latency at each of the document's distribution percentiles (the HDR plot's table). */
export function distributionOf(h: LatencyHistogram): PercentilePoint[] {
  return DISTRIBUTION_PERCENTILES.map((percentile) => ({ percentile, latencyMs: percentileMs(h, percentile) }));
}

/**
 * Recorded values slower than `boundMs`. HDR buckets hold values equivalent within 0.1%, so a
 * bucket straddling the bound counts as within it when its lowest value is (the SLA's own rounding).
 */
export function countAboveMs(h: LatencyHistogram, boundMs: number): number {
  const boundUs = boundMs * 1000;
  // The factory builds JS histograms (useWebAssembly: false): their iterator is not on the interface.
  const js = h.hdr as unknown as hdr.JsHistogram;
  const it = js.recordedValuesIterator;
  it.reset();
  let above = 0;
  while (it.hasNext()) {
    const v = it.next();
    if (js.lowestEquivalentValue(v.valueIteratedTo) > boundUs) above += v.countAtValueIteratedTo;
  }
  return above;
}
