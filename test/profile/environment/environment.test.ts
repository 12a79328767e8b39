import { availableParallelism, cpus, hostname, totalmem } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { collectEnvironment, resolveInstanceType } from '../../../src/profile/environment/environment.js';
import { Environment } from '../../../src/schema/profileResult.js';
import { startImdsStub, type ImdsStub } from './imdsStub.js';

const NOW = new Date('2024-06-03T10:40:00.000Z');
// Tests must never reach the real 169.254.169.254: every env either disables IMDS or points at a stub.
const IMDS_OFF: NodeJS.ProcessEnv = { AWS_EC2_METADATA_DISABLED: 'true' };

let stub: ImdsStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('collectEnvironment', () => {
  it('records the host, versions and GPUs, and the EC2 instance from IMDS', async () => {
    stub = await startImdsStub();
    const gpus = [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driverVersion: '550.90.07' }];
    const { environment, warnings } = await collectEnvironment({
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: stub.endpoint },
      onnxruntimeVersion: '1.30.0',
      executionProvider: 'cuda',
      gpus,
      now: NOW,
    });
    expect(environment).toEqual({
      hostname: hostname(),
      platform: process.platform,
      arch: process.arch,
      cpuModel: cpus()[0]?.model.trim() || 'unknown',
      cpuCores: availableParallelism(),
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
      nodeVersion: process.version,
      onnxruntimeVersion: '1.30.0',
      executionProvider: 'cuda',
      gpus,
      ec2: { instanceType: 'p5.48xlarge', region: 'us-east-2', availabilityZone: 'us-east-2b' },
      instanceType: 'p5.48xlarge',
      recordedAt: '2024-06-03T10:40:00.000Z',
    });
    expect(warnings).toEqual([]);
    expect(Environment.parse(environment)).toEqual(environment);
    expect(environment.memoryGiB).toBeGreaterThan(0);
  });

  it('keeps IMDS in ec2 and the declared type in instanceType when they differ, with a warning', async () => {
    stub = await startImdsStub({ metadata: { 'instance-type': 'g4dn.xlarge', 'placement/availability-zone': 'us-east-1a' } });
    const { environment, warnings } = await collectEnvironment({
      env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: stub.endpoint },
      instanceType: 'g5.xlarge',
      now: NOW,
    });
    expect(environment.ec2).toEqual({ instanceType: 'g4dn.xlarge', region: 'us-east-1', availabilityZone: 'us-east-1a' });
    expect(environment.instanceType).toBe('g5.xlarge');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('g5.xlarge');
    expect(warnings[0]).toContain('g4dn.xlarge');
  });

  it('uses the declared type off EC2, and says why there are no GPU figures', async () => {
    const { environment, warnings } = await collectEnvironment({
      env: IMDS_OFF,
      instanceType: 'g4dn.xlarge',
      gpuAbsentReason: 'nvidia-smi not found: no NVIDIA GPU figures',
      now: NOW,
    });
    expect(environment.ec2).toBeUndefined();
    expect(environment.instanceType).toBe('g4dn.xlarge');
    expect(environment.gpus).toEqual([]);
    expect(environment.gpuAbsentReason).toBe('nvidia-smi not found: no NVIDIA GPU figures');
    expect(warnings).toEqual([]);
  });

  it('has no instance type off EC2 when none is declared, and no keys for what was not given', async () => {
    const { environment } = await collectEnvironment({ env: IMDS_OFF, now: NOW });
    expect(Object.keys(environment).sort()).toEqual(
      ['arch', 'cpuCores', 'cpuModel', 'gpus', 'hostname', 'memoryGiB', 'nodeVersion', 'platform', 'recordedAt'].sort(),
    );
  });

  it('asks IMDS through the fetch it is given', async () => {
    const urls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      urls.push(url);
      const path = url.replace(/^.*\/latest\//, '');
      const answers: Record<string, string> = { 'api/token': 't', 'meta-data/instance-type': 'inf2.xlarge' };
      return answers[path] ? new Response(answers[path]) : new Response('', { status: 404 });
    };
    const { environment } = await collectEnvironment({ env: {}, now: NOW, imds: { fetch: fakeFetch } });
    expect(environment.ec2).toEqual({ instanceType: 'inf2.xlarge' });
    expect(environment.instanceType).toBe('inf2.xlarge');
    expect(urls).toHaveLength(4);
  });
});

describe('resolveInstanceType', () => {
  const ec2 = { instanceType: 'g4dn.xlarge' };
  it.each([
    [undefined, undefined, undefined, 0],
    [undefined, ec2, 'g4dn.xlarge', 0],
    ['g5.xlarge', undefined, 'g5.xlarge', 0],
    ['g4dn.xlarge', ec2, 'g4dn.xlarge', 0],
    ['g5.xlarge', ec2, 'g5.xlarge', 1],
  ] as const)('declared %s, IMDS %o -> %s with %i warning(s)', (declared, imds, expected, warningCount) => {
    const result = resolveInstanceType(declared, imds);
    expect(result.instanceType).toBe(expected);
    expect(result.warnings).toHaveLength(warningCount);
  });
});
