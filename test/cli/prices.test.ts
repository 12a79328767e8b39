import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerPricesCommand } from '../../src/cli/prices.js';
import { ExitCode } from '../../src/util/errors.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { makeTempDir } from '../support/tempDir.js';

/** `plan` and `prices` in process, with a captured Runtime. */
const runPlanCli = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPlanCommand, registerPricesCommand], options);

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: home, remove: cleanup } = await makeTempDir('capacity-plan-home-')));
afterEach(async () => cleanup());

describe('capacity-plan prices', () => {
  it('lists a family in a region with specs, price, its source and date, and spot averages', async () => {
    const { code, stdout } = await runPlanCli(['prices', '--region', 'us-east-1', '--family', 'g4dn'], { home });
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('Embedded snapshot assembled 2026-11-23.');
    expect(stdout).toMatch(/g4dn\.xlarge +4 +16 +1 x NVIDIA T4 16 GiB +us-east-1 +0\.526 +karpenter-pricing-us-east-1 2026-07-20 +0\.1766/);
    expect(stdout).toMatch(/g4dn\.12xlarge +48 +192 +4 x NVIDIA T4 16 GiB/);
    expect(stdout).not.toContain('g5.xlarge');
    expect(stdout).toContain('as of 2025-11-30; indicative only');
    expect(stdout).toContain('Source karpenter-pricing-us-east-1: aws/karpenter-provider-aws');
    expect(stdout.split('\n').filter((l) => l.startsWith('g4dn.'))).toHaveLength(7);
  });

  it('lists every region when none is given, and says where no source had a price', async () => {
    const { stdout } = await runPlanCli(['prices', '--family', 'g6'], { home });
    expect(stdout).toMatch(/g6\.xlarge .* eu-west-1 +no price/);
    expect(stdout).toMatch(/g6\.xlarge .* ap-northeast-1 +1\.1672 +vantage-derived-2026-01-21 2026-01-21/);
  });

  it('--json gives rows with the price origin, and the snapshot sources', async () => {
    const { code, stdout } = await runPlanCli(['prices', '--region', 'eu-west-1', '--family', 'g5', '--json'], { home });
    expect(code).toBe(ExitCode.ok);
    const doc = JSON.parse(stdout) as { snapshot: { assembled: string; sources: { id: string }[] }; cache: unknown; rows: Record<string, unknown>[] };
    expect(doc.snapshot.assembled).toBe('2026-11-23');
    expect(doc.snapshot.sources.map((s) => s.id)).toEqual(['vantage-derived-2026-01-21']);
    expect(doc.cache).toBeNull();
    expect(doc.rows.find((r) => r.instanceType === 'g5.xlarge')).toMatchObject({
      region: 'eu-west-1',
      usdPerHour: 1.123,
      price: { kind: 'snapshot', sourceId: 'vantage-derived-2026-01-21', date: '2026-01-21' },
    });
  });

  it.each([
    [['prices', '--family', 'zz9'], ExitCode.usage, /--family 'zz9' is not in the catalog/],
    [['prices', '--region', 'moon-1'], ExitCode.usage, /--region 'moon-1' has no prices/],
    [['prices', 'refresh', '--region', 'not a region'], ExitCode.usage, /--region 'not a region' is not an AWS region code/],
    [['prices', 'refresh', '--instance-types', 'g4dn.xlarge,,nonsense'], ExitCode.usage, /--instance-types 'g4dn.xlarge,,nonsense' must list instance types/],
  ])('rejects %j with one line', async (argv, exitCode, message) => {
    const { code, stderr } = await runPlanCli(argv, { home });
    expect(code).toBe(exitCode);
    expectOneLineError(stderr);
    expect(stderr).toMatch(message);
  });
});
