import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerRightsizeCommand } from '../../src/cli/rightsize.js';
import { Findings } from '../../src/schema/findings.js';
import { ExitCode } from '../../src/util/errors.js';
import { runCapturedCli } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';

/**
 * The example fleet (4 x g4dn.xlarge, 2 needed at the 95 req/s peak: $767.96/month On-Demand =
 * 2 x 0.526 x 730) with a `purchase` block appended. After discounts only instances above
 * max(needed, committed) save: with 3 committed, 4 - 3 = 1 x 0.526 x 730 = $383.98/month.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, remove: cleanup } = await makeTempDir('capacity-plan-discounts-')));
afterEach(async () => cleanup());

async function fleetWith(purchase: string): Promise<string> {
  const base = await readFile(join(REPO_ROOT, 'profiles/examples/defect-classifier-fleet.yaml'), 'utf8');
  const path = join(dir, 'fleet.yaml');
  await writeFile(path, `${base.replace('../imported/article-triton-g4dn.json', join(REPO_ROOT, 'profiles/imported/article-triton-g4dn.json'))}${purchase}`);
  return path;
}

const rightsize = (fleet: string, ...more: string[]) =>
  runCapturedCli(['rightsize', '--fleet', fleet, '--metrics-from', join(REPO_ROOT, 'profiles/examples/defect-classifier-metrics.json'), ...more], [registerRightsizeCommand], { home: dir });

describe('rightsize after discounts (fleet purchase)', () => {
  it('3 committed Reserved Instances: the saving halves, and a finding says the commitment covers one removed instance', async () => {
    const fleet = await fleetWith('purchase:\n  option: ri-standard-1yr-no-upfront\n  committedInstances: 3\n');
    const run = await rightsize(fleet, '--json');
    expect(run.code).toBe(ExitCode.ok);
    const findings = Findings.parse(JSON.parse(run.stdout));
    expect(findings.summary.staticSavingsUsdPerMonth).toBe(767.96);
    expect(findings.afterDiscounts).toMatchObject({
      option: 'ri-standard-1yr-no-upfront',
      committedInstances: 3,
      effectiveUsdPerHour: 0.331,
      rateFrom: 'embedded snapshot (vantage-raw-2025-11-30, 2025-11-30)',
      beforeDiscounts: { staticUsdPerMonth: 767.96, scheduledUsdPerMonth: 767.96 },
      staticSavingsUsdPerMonth: 383.98,
      scheduledSavingsUsdPerMonth: 383.98,
    });
    const covers = findings.findings.find((f) => f.finding === 'COMMITMENT_COVERS');
    expect(covers?.summary).toContain('1 of the 2 instance(s) rightsizing would remove is paid for by the commitment');
    const text = await rightsize(fleet);
    expect(text.stdout).toContain('After discounts: 3 x g4dn.xlarge committed (1-year no-upfront standard Reserved Instance at $0.331/h');
    expect(text.stdout).toContain('the static fleet saves $383.98/month ($767.96 On-Demand)');
  });

  it('a Savings Plan in dollars at the rate from the bill: $0.9/h / $0.381 covers 2, the instances kept: no saving lost', async () => {
    const fleet = await fleetWith('purchase:\n  option: sp-compute-1yr-no-upfront\n  commitmentUsdPerHour: 0.9\n  effectiveUsdPerHour: 0.381\n');
    const findings = Findings.parse(JSON.parse((await rightsize(fleet, '--json')).stdout));
    expect(findings.afterDiscounts).toMatchObject({ committedInstances: 2, rateFrom: 'the fleet file', staticSavingsUsdPerMonth: 767.96 });
    expect(findings.findings.some((f) => f.finding === 'COMMITMENT_COVERS')).toBe(false);
  });

  it('a Savings Plan with no price and no rate is an input error saying how to give one', async () => {
    const fleet = await fleetWith('purchase:\n  option: sp-compute-1yr-no-upfront\n  commitmentUsdPerHour: 0.9\n');
    const run = await rightsize(fleet);
    expect(run.code).toBe(ExitCode.input);
    expect(expectOneLineError(run.stderr)).toMatch(/purchase: no price for 1-year no-upfront Compute Savings Plan on g4dn\.xlarge in us-east-1.*effectiveUsdPerHour/);
  });

  it('both levels at once is refused, naming the key', async () => {
    const fleet = await fleetWith('purchase:\n  option: ri-standard-1yr-no-upfront\n  committedInstances: 3\n  commitmentUsdPerHour: 0.9\n');
    const run = await rightsize(fleet);
    expect(run.code).toBe(ExitCode.input);
    expect(expectOneLineError(run.stderr)).toMatch(/purchase.*exactly one of committedInstances or commitmentUsdPerHour/);
  });
});
