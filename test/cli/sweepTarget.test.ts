import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerSweepCommand } from '../../src/cli/sweep.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { ExitCode } from '../../src/util/errors.js';
import { startTinyAgent } from '../support/agentHarness.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { makeTempDir } from '../support/tempDir.js';

/** `sweep --target`: the load axis against a server already running; its configuration is its own. */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agent: Awaited<ReturnType<typeof startTinyAgent>>;
let box: CliSandbox;

beforeAll(async () => {
  temp = await makeTempDir('cp-sweep-target-');
  agent = await startTinyAgent(temp.dir, { engine: { instances: 2 }, batching: { policy: 'triton', maxBatchSize: 4, maxQueueDelayUs: 500 } });
  box = await cliSandbox([registerSweepCommand]);
});
afterAll(async () => {
  await agent?.close();
  await box?.cleanup();
  await temp?.remove();
});

describe('sweep --target', () => {
  it('writes a curve over the load axis, with the agent\'s own configuration (2 instances, triton)', async () => {
    const out = join(temp.dir, 'sweep-target.json');
    const { code, stdout, stderr } = await box.run(
      ['sweep', '--target', agent.url, '--vary', 'concurrency=1,2', '--sla', 'p95<=5000ms', '--duration', '2', '--image-count', '4', '--json', '--out', out],
    );
    expect(code, stderr).toBe(ExitCode.ok);
    const doc = SweepResult.parse(JSON.parse(stdout));
    expect(doc.configurations).toHaveLength(1);
    const [config] = doc.configurations;
    expect(config!.label).toBe(`target ${agent.url}`);
    expect(config!.points.map((p) => p.offered)).toEqual([
      { kind: 'concurrency', value: 1 },
      { kind: 'concurrency', value: 2 },
    ]);
    expect(config!.points.every((p) => p.throughputRps > 0 && p.failed === 0)).toBe(true);
    expect(config!.spec.engine.instances).toBe(2);
    expect(config!.spec.batching).toMatchObject({ policy: 'triton', maxBatchSize: 4 });
  });

  it('--vary of a server setting with --target: exit 2, one line, only the load varies', async () => {
    const { code, stderr } = await box.run(['sweep', '--target', agent.url, '--vary', 'maxBatchSize=1,4', '--sla', 'p95<=100ms']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe(
      "error: --vary maxBatchSize does not apply with --target: the target server's own configuration applies (with --target only the load varies: --vary concurrency=... or rps=...)",
    );
  });
});

describe('sweep --instance-type', () => {
  it('a misspelt type: exit 2 before any point, one line with the nearest names', async () => {
    const { code, stderr } = await box.run(['sweep', '--model', 'tiny', '--sla', 'p95<=100ms', '--instance-type', 'g5.xlarg']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toMatch(/^error: --instance-type 'g5\.xlarg' is not in the price catalog \(did you mean g5\.xlarge/);
  });
});
