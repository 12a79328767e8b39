import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchResourceName, runManifestKey, specKey } from '../../src/batch/names.js';
import { registerBatchCommand } from '../../src/cli/batch.js';
import { stubNoCredentials } from '../support/awsEnv.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { startFakeBatch, type FakeBatch } from '../support/fakeBatch.js';
import { startFakeServiceQuotas, type FakeServiceQuotas } from '../support/fakeServiceQuotas.js';
import { startLocalS3, S3RVER_CREDENTIALS, type LocalS3 } from '../support/localS3.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { REPO_ROOT } from '../support/repoRoot.js';

type Json = ReturnType<typeof JSON.parse>;

const BUCKET = 'capacity-plan-results-123456789012-us-east-1';
const TYPES = ['g4dn.xlarge', 'g5.xlarge', 'g6.xlarge'];
/** The example spec the README shows. */
const SPEC_FILE = join(REPO_ROOT, 'profiles/examples/batch-sweep-spec.yaml');

let s3: LocalS3;
let batch: FakeBatch;
let quotas: FakeServiceQuotas;
let zeroQuotas: FakeServiceQuotas;
let box: CliSandbox;
let s3Client: S3Client;

beforeAll(async () => {
  [s3, batch, quotas, zeroQuotas, box] = await Promise.all([
    startLocalS3([BUCKET]),
    startFakeBatch({ queues: TYPES.map(batchResourceName) }),
    // A G-and-VT quota of 12 vCPUs: exactly one xlarge of each type (4 vCPUs each).
    startFakeServiceQuotas({ applied: { 'L-DB2E81BA': 12 } }),
    // Never changed from the default of a new account: 0.
    startFakeServiceQuotas({ defaults: { 'L-DB2E81BA': 0 } }),
    cliSandbox([registerBatchCommand], 'cp-batch-'),
  ]);
  await writeFile(join(box.cwd, 'sweep.yaml'), await readFile(SPEC_FILE));
  s3Client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
});

afterAll(async () => {
  s3Client?.destroy();
  await Promise.all([s3?.close(), batch?.close(), quotas?.close(), zeroQuotas?.close(), box?.cleanup()]);
});

beforeEach(() => {
  // s3rver checks signatures against its own key pair; the fakes accept Json signed request.
  vi.stubEnv('AWS_ACCESS_KEY_ID', S3RVER_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', S3RVER_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
});

function env(quotaUrl = quotas.url): NodeJS.ProcessEnv {
  return { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_S3: s3.url, AWS_ENDPOINT_URL_BATCH: batch.url, AWS_ENDPOINT_URL_SERVICE_QUOTAS: quotaUrl };
}

async function s3Text(key: string): Promise<string> {
  const object = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToString('utf8');
}

describe('batch submit', () => {
  it('checks the quota, uploads the spec, submits one job per type on its own queue and records the run', async () => {
    const before = batch.jobs.length;
    const run = await box.run(['batch', 'submit', '--instance-types', TYPES.join(','), '--spec', 'sweep.yaml', '--bucket', BUCKET, '--run', 'run-1'], { env: env() });
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(quotas.calls.at(-1)).toEqual({ target: 'GetServiceQuota', body: { ServiceCode: 'ec2', QuotaCode: 'L-DB2E81BA' } });
    const jobs = batch.jobs.slice(before);
    expect(jobs.map((j) => [j.jobQueue, j.jobDefinition])).toEqual(TYPES.map((t) => [batchResourceName(t), batchResourceName(t)]));
    for (const job of jobs) expect(job.parameters).toEqual({ run: 'run-1', specKey: specKey('run-1') });
    expect(JSON.parse(await s3Text(specKey('run-1')))).toEqual({ command: 'sweep', args: ['--sla', 'p95<=100ms', '--model', 'resnet50', '--vary', 'maxBatchSize=1,4,8'] });
    const manifest = JSON.parse(await s3Text(runManifestKey('run-1')));
    expect(manifest).toMatchObject({ kind: 'batch-run', runId: 'run-1', bucket: BUCKET, region: 'us-east-1' });
    expect(manifest.jobs.map((j: Json) => j.jobId)).toEqual(jobs.map((j) => j.jobId));
    expect(run.stdout).toContain('next: capacity-plan batch status run-1');
  });

  it('refuses a zero GPU quota in one line, saying what to request, before touching S3 or Batch', async () => {
    const before = batch.jobs.length;
    const run = await box.run(['batch', 'submit', '--instance-types', TYPES.join(','), '--spec', 'sweep.yaml', '--bucket', BUCKET, '--run', 'run-zero'], { env: env(zeroQuotas.url) });
    expect(run.code).toBe(4);
    const line = expectOneLineError(run.stderr);
    expect(line).toContain("'Running On-Demand G and VT instances' quota (L-DB2E81BA) in us-east-1 is 0 vCPUs");
    expect(line).toContain('needs 12 (g4dn.xlarge 4 + g5.xlarge 4 + g6.xlarge 4)');
    expect(line).toContain('--quota-code L-DB2E81BA --desired-value 12');
    // It fell back to the default, as for an account that never had the quota changed.
    expect(zeroQuotas.calls.map((c) => c.target)).toEqual(['GetServiceQuota', 'GetAWSDefaultServiceQuota']);
    expect(batch.jobs.length).toBe(before);
    await expect(s3Text(specKey('run-zero'))).rejects.toThrow();
  });

  it('refuses a quota smaller than one host of each type', async () => {
    const run = await box.run(['batch', 'submit', '--instance-types', 'g4dn.xlarge,g5.xlarge,g6.xlarge,g5.2xlarge', '--spec', 'sweep.yaml', '--bucket', BUCKET], { env: env() });
    expect(run.code).toBe(4);
    expect(expectOneLineError(run.stderr)).toMatch(/is 12 vCPUs; one host of each type needs 20/);
  });

  it('refuses bad input in one line without calling AWS', async () => {
    const calls = quotas.calls.length;
    await writeFile(join(box.cwd, 'bad.yaml'), "command: sweep\nargs: ['--out', 'x.json']\n");
    const bad = await box.run(['batch', 'submit', '--instance-types', 'g5.xlarge', '--spec', 'bad.yaml', '--bucket', BUCKET], { env: env() });
    expect(bad.code).toBe(3);
    expect(expectOneLineError(bad.stderr)).toMatch(/spec 'bad.yaml' is invalid: .*--out/);
    const type = await box.run(['batch', 'submit', '--instance-types', 'inf2.xlarge', '--spec', 'sweep.yaml', '--bucket', BUCKET], { env: env() });
    expect(type.code).toBe(3);
    expect(expectOneLineError(type.stderr)).toMatch(/not an NVIDIA GPU/);
    const noBucket = await box.run(['batch', 'submit', '--instance-types', 'g5.xlarge', '--spec', 'sweep.yaml'], { env: env() });
    expect(noBucket.code).toBe(2);
    expect(quotas.calls.length).toBe(calls);
  });
});

describe('batch status and collect', () => {
  it("shows each job's state", async () => {
    batch.setStatus((job) => (job.jobQueue === batchResourceName('g6.xlarge') ? { status: 'RUNNABLE' } : { status: 'SUCCEEDED', statusReason: 'Essential container in task exited' }));
    const run = await box.run(['batch', 'status', 'run-1', '--bucket', BUCKET, '--json'], { env: env() });
    expect(run.code).toBe(0);
    const status = JSON.parse(run.stdout);
    expect(status.jobs.map((j: Json) => [j.instanceType, j.status])).toEqual([
      ['g4dn.xlarge', 'SUCCEEDED'],
      ['g5.xlarge', 'SUCCEEDED'],
      ['g6.xlarge', 'RUNNABLE'],
    ]);
    const text = await box.run(['batch', 'status', 'run-1', '--bucket', BUCKET], { env: env() });
    expect(text.stdout).toContain('RUNNABLE for long: check the GPU vCPU quota');
  });

  it('downloads every document of the run and prints the plan command across the types', async () => {
    for (const type of ['g4dn.xlarge', 'g5.xlarge']) {
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `results/run-1/${type}/${type}-job1.json`, Body: JSON.stringify({ kind: 'sweep-result', instanceType: type }) }));
      await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `results/run-1/${type}/exit-code`, Body: '0\n' }));
    }
    const run = await box.run(['batch', 'collect', 'run-1', '--bucket', BUCKET, '--out', 'collected'], { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(join(box.cwd, 'collected/g5.xlarge/g5.xlarge-job1.json'), 'utf8'))).toEqual({ kind: 'sweep-result', instanceType: 'g5.xlarge' });
    expect(await readFile(join(box.cwd, 'collected/g4dn.xlarge/exit-code'), 'utf8')).toBe('0\n');
    expect(run.stdout).toContain('downloaded 4 files of run run-1 to collected: 2 documents');
    expect(run.stdout).toContain('g6.xlarge: no document yet');
    expect(run.stdout).toContain("next: capacity-plan plan collected/g4dn.xlarge/g4dn.xlarge-job1.json collected/g5.xlarge/g5.xlarge-job1.json --sla 'p95<=100ms'");
  });

  it('says in one line when there are no credentials', async () => {
    stubNoCredentials();
    const run = await box.run(['batch', 'status', 'run-1', '--bucket', BUCKET], { env: env() });
    expect(run.code).toBe(4);
    expect(expectOneLineError(run.stderr)).toMatch(/^error: no AWS credentials for S3/);
  });

  it('refuses an unknown run in one line', async () => {
    const run = await box.run(['batch', 'collect', 'no-such-run', '--bucket', BUCKET, '--out', 'x'], { env: env() });
    expect(run.code).toBe(3);
    expect(expectOneLineError(run.stderr)).toContain(`no run 'no-such-run' in s3://${BUCKET}/runs/no-such-run.json`);
  });
});
