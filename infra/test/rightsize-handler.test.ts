import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { syntheticRecording } from '../../src/rightsize/syntheticFleet.js';
import { Findings } from '../../src/schema/findings.js';
import { Fleet } from '../../src/schema/fleet.js';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeSeries } from '../../test/support/fakeCloudWatch.js';
import { startLocalS3, S3RVER_CREDENTIALS, type LocalS3 } from '../../test/support/localS3.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { registerRightsizeCommand } from '../../src/cli/rightsize.js';
import { runCapturedCli } from '../../test/support/cliRuntime.js';
import { makeTempDir } from '../../test/support/tempDir.js';
import { rightsizeBucket } from '../lib/lambda/rightsize-handler.js';
import { FIXTURE_FLEET } from './helpers.js';

const BUCKET = 'capacity-plan-results-123456789012-us-east-1';
const START = Date.UTC(2026, 10, 21) / 1000;
const NOW = new Date('2026-11-23T00:00:00.000Z');

let s3: LocalS3;
let cloudWatch: FakeCloudWatch;
let client: S3Client;
let emptyHome: string;
let removeHome: () => Promise<void>;

beforeAll(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', S3RVER_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3RVER_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  const fleetDoc = parseYaml(await readFile(join(REPO_ROOT, FIXTURE_FLEET), 'utf8')) as Record<string, unknown>;
  const fleet = Fleet.parse(fleetDoc);
  // Two days of the example fleet, as CloudWatch serves them (the same recording test/cli/rightsize uses).
  const recording = syntheticRecording({
    fleet, startEpochS: START, days: 2, seed: 3, peakRps: 95, offPeakRps: 30, noise: 0.1, instances: 4,
    latencyMs: { peak: 61, offPeak: 47 }, gpuUtilPct: { peak: 12, offPeak: 4 }, gpuMemoryUsedMiB: 9011, gpuMemoryTotalMiB: 15360,
  });
  const series: FakeSeries[] = recording.series.map((s) => ({
    namespace: s.namespace,
    metricName: s.metricName,
    dimensions: Object.fromEntries(s.dimensions.map((d) => [d.name, d.value])),
    stat: s.stat,
    points: s.values.flatMap((v, i) => (v === null ? [] : [[START + i * 60, v] as [number, number]])),
  }));
  ({ dir: emptyHome, remove: removeHome } = await makeTempDir('cp-lambda-home-'));
  [s3, cloudWatch] = await Promise.all([startLocalS3([BUCKET]), startFakeCloudWatch({ series, pageSize: 20_000 })]);
  client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  const put = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  // The fleet file and its capacity document, at the same relative path as on disk.
  await put('fleets/defect-classifier.yaml', stringify({ ...fleetDoc, capacity: 'capacity/article-triton-g4dn.json' }));
  await put('fleets/capacity/article-triton-g4dn.json', await readFile(join(REPO_ROOT, 'profiles/imported/article-triton-g4dn.json'), 'utf8'));
  await put('fleets/broken.yaml', 'name: broken\n');
});

afterAll(async () => {
  client?.destroy();
  await Promise.all([s3?.close(), cloudWatch?.close(), removeHome?.()]);
});

describe('the scheduled watcher', () => {
  it('rightsizes every fleet file in the bucket and writes the findings there; a broken file is reported, not fatal', async () => {
    const result = await rightsizeBucket({
      s3: client,
      bucket: BUCKET,
      fleetsPrefix: 'fleets/',
      findingsPrefix: 'findings/',
      lookbackMinutes: 2 * 1440,
      now: NOW,
      env: { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.url },
      home: emptyHome,
    });
    expect(result.fleets).toEqual([
      { key: 'fleets/broken.yaml', error: expect.stringMatching(/^fleet is invalid: /) },
      { key: 'fleets/defect-classifier.yaml', findings: 'findings/defect-classifier/2026-11-23.json' },
    ]);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'findings/defect-classifier/2026-11-23.json' }));
    const findings = Findings.parse(JSON.parse(await object.Body!.transformToString('utf8')));
    // The same figures `rightsize` finds on this recording (test/cli/rightsize.test.ts).
    expect(findings.summary).toMatchObject({ runningInstances: 4, peakDemandRps: 30, neededInstances: 2, staticSavingsUsdPerMonth: 767.96 });
    expect(cloudWatch.callsOf('GetMetricData').length).toBeGreaterThan(0);

    // `capacity-plan rightsize` on the same fleet, capacity and CloudWatch data, with an empty
    // home as the Lambda has: the same findings, but for where each says it read them from.
    const cli = await runCapturedCli(
      ['rightsize', '--fleet', FIXTURE_FLEET, '--lookback', '2d', '--json'],
      [registerRightsizeCommand],
      { home: emptyHome, cwd: REPO_ROOT, now: NOW, env: { AWS_ENDPOINT_URL_CLOUDWATCH: cloudWatch.url, AWS_REGION: 'us-east-1' } },
    );
    expect(cli.stderr).toBe('');
    const fromCli = Findings.parse(JSON.parse(cli.stdout));
    const sources = (f: Findings) => ({ ...f, capacity: { ...f.capacity, document: '' }, window: { ...f.window, source: '' } });
    expect(sources(findings)).toEqual(sources(fromCli));
    expect(findings.capacity.document).toBe(`s3://${BUCKET}/fleets/capacity/article-triton-g4dn.json`);
  });
});
