import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { Plan, PlanDocument } from '../../src/schema/plan.js';
import { ExitCode } from '../../src/util/errors.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';

const runPlan = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPlanCommand], options);

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: home, remove: cleanup } = await makeTempDir('capacity-plan-home-')));
afterEach(async () => cleanup());

/**
 * The README's week: the article's Triton figures (183 req/s at p95 98 ms, x 0.8 = 146.4 req/s per
 * g4dn.xlarge) at 700 req/s Mon-Fri 08-18 UTC and 250 req/s otherwise: ceil(700 / 146.4) = 5
 * instances for 50 h, ceil(250 / 146.4) = 2 for 118 h. On-Demand $0.526/h (us-east-1 snapshot).
 *   On-Demand alone (scheduled): 486 instance-hours x 0.526 = 255.636 a week x 730 / 168 = $1,110.80/month.
 *   Best commitment, 3-year standard all-upfront RI at 0.197793 (c/p = 0.376: a level must be needed
 *   > 63.2 h of 168): levels 1-2 (168 h) yes, 3-5 (50 h) no. Week: 168 x 2 x 0.197793 = 66.458448
 *   + 150 x 0.526 = 78.9 -> 145.358448 x 730 / 168 = $631.62/month, 43.14% less.
 *   With --spot (mean 0.1766, floor 2): 66.458448 + 150 x 0.1766 = 92.948448 -> $403.88/month.
 */
const WEEKDAY = ['plan', 'profiles/imported/article-triton-g4dn.json', '--traffic', 'profiles/examples/weekday-traffic.yaml', '--sla', 'p95<=400ms', '--region', 'us-east-1'];

describe('plan --purchase', () => {
  it('by default ranks On-Demand as before, prints no purchase section, and records every option in a version 3 plan', async () => {
    const text = await runPlan(WEEKDAY, { home, cwd: REPO_ROOT });
    expect(text.code).toBe(ExitCode.ok);
    expect(text.stdout).not.toContain('How to buy it');
    const json = await runPlan([...WEEKDAY, '--json'], { home, cwd: REPO_ROOT });
    const plan = Plan.parse(JSON.parse(json.stdout));
    expect(plan.schemaVersion).toBe(3);
    const c = plan.candidates[0]!;
    expect(c.usdPerMonth).toBe(1919.9);
    expect(c.purchase?.ranked).toEqual({ by: 'ondemand', usdPerMonth: 1919.9 });
    expect(c.purchase?.onDemandUsdPerMonth).toBe(1110.8);
    expect(c.purchase?.best).toBe('ri-standard-3yr-all-upfront');
    const best = c.purchase?.options.find((o) => o.option === 'ri-standard-3yr-all-upfront');
    expect(best).toMatchObject({ committedInstances: 2, commitmentUsdPerHour: 0.395586, usdPerMonth: 631.62, peakOnDemandInstances: 3, savesPct: 43.14 });
    expect(c.purchase?.noPrice).toContain('sp-compute-1yr-no-upfront');
  });

  it('--purchase best --spot ranks by the cheapest mix and says it as a buyer would, with the interruption risk', async () => {
    const run = await runPlan([...WEEKDAY, '--purchase', 'best', '--spot', '--explain'], { home, cwd: REPO_ROOT });
    expect(run.code).toBe(ExitCode.ok);
    expect(run.stdout).toContain(
      'best: buy 2 g4dn.xlarge 3-year all-upfront standard Reserved Instances ($0.1978/h each, upfront amortised), up to 3 more on Spot at the weekday peak (mean $0.1766/h): $403.88/month, -63.6% against On-Demand',
    );
    expect(run.stdout).toContain('interruption frequency >20% for g4dn.xlarge in us-east-1');
    expect(run.stdout).toContain('hours of the week each instance level is needed, N(1..5) = 168, 168, 50, 50, 50 (of 168)');
    expect(run.stdout).toContain('ri-standard-3yr-all-upfront: ratio 0.197793 / 0.526 = 0.3760 (a level must be needed > 63.2 h): commit 2');
    const json = await runPlan([...WEEKDAY, '--purchase', 'best', '--spot', '--json'], { home, cwd: REPO_ROOT });
    const plan = Plan.parse(JSON.parse(json.stdout));
    expect(plan.inputs.purchase).toEqual({ choice: 'best', spot: true });
    expect(plan.candidates[0]!.purchase?.ranked).toEqual({ by: 'ri-standard-3yr-all-upfront', usdPerMonth: 403.88 });
    // The Spot-only mix keeps the floor of 2 On-Demand: 168 x 2 x 0.526 = 176.736 + 26.49 = 203.226 a week = $883.07/month.
    expect(plan.candidates[0]!.purchase?.options.find((o) => o.option === 'spot')).toMatchObject({ committedInstances: 0, peakOnDemandInstances: 2, usdPerMonth: 883.07 });
  });

  it('with best, a candidate no option prices ranks On-Demand with scheduled scaling, the basis every mix shares', async () => {
    const run = await runPlan([...WEEKDAY, '--platform', 'sagemaker', '--purchase', 'best', '--json'], { home, cwd: REPO_ROOT });
    const c = Plan.parse(JSON.parse(run.stdout)).candidates[0]!;
    // ml.g4dn.xlarge: only SageMaker Savings Plans apply, and no source prices them.
    expect(c.purchase?.best).toBeNull();
    expect(c.purchase?.noPrice).toHaveLength(6);
    expect(c.purchase?.ranked).toEqual({ by: 'ondemand-scheduled', usdPerMonth: c.usdPerMonthScheduled - c.extrasUsdPerMonth });
  });

  it('a Savings Plan without a price is an input error saying how to fetch it', async () => {
    const run = await runPlan([...WEEKDAY, '--purchase', 'sp-compute-1yr-no-upfront'], { home, cwd: REPO_ROOT });
    expect(run.code).toBe(ExitCode.input);
    expect(expectOneLineError(run.stderr)).toMatch(/--purchase sp-compute-1yr-no-upfront: no price for 1-year no-upfront Compute Savings Plan for g4dn\.xlarge in us-east-1/);
    const bad = await runPlan([...WEEKDAY, '--purchase', 'cheap'], { home, cwd: REPO_ROOT });
    expect(bad.code).toBe(ExitCode.usage);
  });

  it('keeps version 2 plans readable, as version 3 without purchase figures', () => {
    const v2 = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/report/article-plan.json'), 'utf8')) as { schemaVersion: number };
    expect(v2.schemaVersion).toBe(2);
    const plan = PlanDocument.parse(v2);
    expect(plan.schemaVersion).toBe(3);
    expect(plan.candidates.every((c) => c.purchase === undefined)).toBe(true);
  });
});
