import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { parse as parseYaml } from 'yaml';
import { loadPriceBook } from '../../../src/pricing/cache.js';
import type { PriceBook } from '../../../src/pricing/priceBook.js';
import type { PurchaseBook } from '../../../src/pricing/purchaseBook.js';
import { loadPurchaseBook } from '../../../src/pricing/purchaseCache.js';
import { readFleetMetrics, rightsizeFleet } from '../../../src/app/rightsize.js';
import { Fleet } from '../../../src/schema/fleet.js';
import { parseAnyDocumentText } from '../../../src/util/documents.js';
import { describeZodError } from '../../../src/util/zodErrors.js';

/**
 * The scheduled `capacity-plan rightsize`: every fleet file under fleets/ in the bucket (capacity
 * documents relative to it, as on disk), 14 days of CloudWatch metrics, the findings written to
 * findings/<fleet>/<date>.json. Imports only the watcher's pure core and its CloudWatch edge:
 * the bundle must not pull in onnxruntime-node, sharp or express (infra/test checks the metafile).
 */

export interface ScheduledInput {
  lookbackMinutes?: number;
}

export interface ScheduledResult {
  fleets: { key: string; findings?: string; error?: string }[];
}

export interface BucketRun {
  s3: S3Client;
  bucket: string;
  fleetsPrefix: string;
  findingsPrefix: string;
  lookbackMinutes: number;
  now: Date;
  /** For the CloudWatch client's endpoint variables (AWS_ENDPOINT_URL_CLOUDWATCH). */
  env: NodeJS.ProcessEnv;
  /**
   * Where price caches live, as the CLI's $CAPACITY_PLAN_HOME: the Lambda has none, so it prices
   * from the embedded snapshots exactly as a CLI with an empty home does.
   */
  home: string;
}

const LOOKBACK_MINUTES = 14 * 1440;

export async function handler(event: ScheduledInput = {}): Promise<ScheduledResult> {
  const bucket = process.env.RESULTS_BUCKET;
  if (!bucket) throw new Error('RESULTS_BUCKET is not set');
  const s3 = new S3Client({});
  try {
    const result = await rightsizeBucket({
      s3,
      bucket,
      fleetsPrefix: process.env.FLEETS_PREFIX ?? 'fleets/',
      findingsPrefix: process.env.FINDINGS_PREFIX ?? 'findings/',
      lookbackMinutes: event.lookbackMinutes ?? LOOKBACK_MINUTES,
      now: new Date(),
      env: process.env,
      home: process.env.CAPACITY_PLAN_HOME ?? join(tmpdir(), 'capacity-plan'),
    });
    // Failures make the invocation fail too, so the scheduler's retries and dead-letter queue see them.
    const failed = result.fleets.filter((f) => f.error);
    if (failed.length > 0) throw new Error(`rightsize failed for ${failed.map((f) => f.key).join(', ')}: ${failed[0]!.error}`);
    return result;
  } finally {
    s3.destroy();
  }
}

/** Every fleet file under the prefix, each on its own: one broken file does not stop the others. */
export async function rightsizeBucket(run: BucketRun): Promise<ScheduledResult> {
  const { s3, bucket } = run;
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: run.fleetsPrefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key && /\.ya?ml$/.test(o.Key)) keys.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);

  const result: ScheduledResult = { fleets: [] };
  // Read once for every fleet of the run, as the CLI reads them once per command.
  const books = { prices: await loadPriceBook(run.home), purchases: await loadPurchaseBook(run.home) };
  for (const key of keys) {
    try {
      result.fleets.push({ key, findings: await rightsizeOne(run, key, books) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`rightsize ${key}: ${message}`);
      result.fleets.push({ key, error: message });
    }
  }
  return result;
}

async function getText(s3: S3Client, bucket: string, key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await object.Body?.transformToString('utf8')) ?? '';
}

async function rightsizeOne(run: BucketRun, key: string, books: { prices: PriceBook; purchases: PurchaseBook }): Promise<string> {
  const { s3, bucket, lookbackMinutes, now } = run;
  const parsed = Fleet.safeParse(parseYaml(await getText(s3, bucket, key)));
  if (!parsed.success) throw new Error(`fleet is invalid: ${describeZodError(parsed.error, Fleet)}`);
  const fleet = parsed.data;
  const capacityKey = posix.normalize(posix.join(posix.dirname(key), fleet.capacity));
  const capacityDocument = parseAnyDocumentText(await getText(s3, bucket, capacityKey), `s3://${bucket}/${capacityKey}`);

  const { recording } = await readFleetMetrics({ fleet, lookbackMinutes, now, env: run.env });
  const findings = rightsizeFleet({
    fleet,
    fleetLabel: `s3://${bucket}/${key}`,
    capacityDocument,
    recording,
    ...books,
    createdAt: now.toISOString(),
    peakStat: 'max',
    metricsSource: `CloudWatch ${fleet.region} (scheduled)`,
  });
  const findingsKey = `${run.findingsPrefix}${fleet.name}/${now.toISOString().slice(0, 10)}.json`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: findingsKey, Body: `${JSON.stringify(findings, null, 2)}\n`, ContentType: 'application/json' }));
  return findingsKey;
}
