import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerPricesCommand } from '../../src/cli/prices.js';
import { Plan } from '../../src/schema/plan.js';
import { ExitCode } from '../../src/util/errors.js';
import { runCapturedCli, type CliRuntimeOptions } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { profileDoc } from '../support/samples.js';
import { makeTempDir } from '../support/tempDir.js';

/** `plan` and `prices` in process, with a captured Runtime. */
const runPlanCli = (argv: string[], options: CliRuntimeOptions) => runCapturedCli(argv, [registerPlanCommand, registerPricesCommand], options);

const TORCHSERVE = 'profiles/imported/article-torchserve-g4dn.json';
const TRITON = 'profiles/imported/article-triton-g4dn.json';
const GOLDEN = ['plan', '--compare', TORCHSERVE, TRITON, '--peak-rps', '60', '--sla', 'p95<=400ms', '--utilization', '0.8', '--region', 'us-east-1'];

let home: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir: home, remove: cleanup } = await makeTempDir('capacity-plan-home-')));
afterEach(async () => cleanup());

describe('capacity-plan plan: the article, golden', () => {
  it('--json: 2 x g4dn.xlarge at $802.96/month against 1 x at $383.98, saving $418.98 (52%)', async () => {
    const { code, stdout, stderr } = await runPlanCli([...GOLDEN, '--json'], { home });
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    const plan = Plan.parse(JSON.parse(stdout));
    const summary = plan.candidates.map((c) => ({
      profile: c.profile,
      instanceType: c.instanceType,
      region: c.region,
      peakInstances: c.peakInstances,
      usdPerMonth: c.usdPerMonth,
      usdPerMonthScheduled: c.usdPerMonthScheduled,
      meetsSla: c.meetsSla,
    }));
    expect(summary).toEqual([
      { profile: 'article-triton-g4dn', instanceType: 'g4dn.xlarge', region: 'us-east-1', peakInstances: 1, usdPerMonth: 383.98, usdPerMonthScheduled: 383.98, meetsSla: true },
      { profile: 'article-torchserve-g4dn', instanceType: 'g4dn.xlarge', region: 'us-east-1', peakInstances: 2, usdPerMonth: 802.96, usdPerMonthScheduled: 802.96, meetsSla: true },
    ]);
    const torchserve = plan.candidates[1]!;
    expect(torchserve.usdPerMonthInstances).toBe(767.96);
    expect(torchserve.extras).toEqual([{ item: 'request logging to S3', usdPerMonth: 35 }]);
    expect(plan.comparison).toHaveLength(1);
    expect(plan.comparison?.[0]).toMatchObject({ savesUsdPerMonth: 418.98, savesPct: 52.18 });
    expect(plan.comparison?.[0]?.sentence).toBe('switching from article-torchserve-g4dn to article-triton-g4dn saves $418.98/month (52%)');
    expect(plan.inputs).toMatchObject({ sla: { percentile: 'p95', maxLatencyMs: 400 }, utilization: 0.8, minInstances: 1, region: 'us-east-1', monthHours: 730 });
    expect(plan.createdAt).toBe('2026-11-23T12:00:00.000Z');
    expect(plan.prices.statement).toBe('On-Demand Linux prices for us-east-1 from embedded snapshot (karpenter-pricing-us-east-1, 2026-07-20); month = 730 h');
  });

  it('prints a table that states prices, their date, extras and the saving', async () => {
    const { code, stdout } = await runPlanCli(GOLDEN, { home });
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain('Prices: On-Demand Linux prices for us-east-1 from embedded snapshot (karpenter-pricing-us-east-1, 2026-07-20); month = 730 h');
    expect(stdout).toMatch(/1 +article-triton-g4dn +g4dn\.xlarge +p95 98 ms ok +146\.4 req\/s +1 x +\$383\.98 +\$383\.98/);
    expect(stdout).toMatch(/2 +article-torchserve-g4dn +g4dn\.xlarge +p95 340 ms ok +37\.6 req\/s +2 x +\$802\.96/);
    expect(stdout).toContain('article-torchserve-g4dn: $767.96 instances + request logging to S3 $35.00 = $802.96');
    expect(stdout).toContain('Switching from article-torchserve-g4dn to article-triton-g4dn saves $418.98/month (52%)');
    expect(stdout).toContain('not measured by capacity-plan');
  });

  it('--explain prints the arithmetic; with --json it goes to stderr so stdout stays JSON', async () => {
    const table = await runPlanCli([...GOLDEN, '--explain'], { home });
    expect(table.stdout).toContain('static fleet = max(1, ceil(60 / 37.6)) = max(1, ceil(1.5957)) = 2 instance(s)');
    const json = await runPlanCli([...GOLDEN, '--json', '--explain'], { home });
    expect(() => JSON.parse(json.stdout)).not.toThrow();
    expect(json.stderr).toContain('compare: $802.96 - $383.98 = $418.98; / $802.96 = 52.18%');
  });

  it('--out writes the plan document', async () => {
    const { code, stderr } = await runPlanCli([...GOLDEN, '--out', join(home, 'plans', 'article.json')], { home });
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toContain('wrote plan to');
    const plan = Plan.parse(JSON.parse(await readFile(join(home, 'plans', 'article.json'), 'utf8')));
    expect(plan.comparison?.[0]?.savesUsdPerMonth).toBe(418.98);
  });

  it('plans business-hours traffic in a time zone with scheduled scaling', async () => {
    const { code, stdout } = await runPlanCli(
      ['plan', TORCHSERVE, '--peak-rps', '60', '--offpeak-rps', '10', '--weekend-rps', '5', '--business-hours', '08-20', '--tz', 'Europe/Berlin', '--sla', 'p95<=400ms', '--json'],
      { home },
    );
    expect(code).toBe(ExitCode.ok);
    const plan = Plan.parse(JSON.parse(stdout));
    // 5 x 12 business hours at 2 instances, the other 108 hours at 1: 228 / 168 x 0.526 x 730 + 35
    expect(plan.candidates[0]).toMatchObject({ peakInstances: 2, usdPerMonth: 802.96, usdPerMonthScheduled: 556.12 });
    expect(plan.inputs.traffic.description).toBe('60 req/s Mon-Fri 08-20 Europe/Berlin, off-peak 10 req/s, weekend 5 req/s');
    expect(plan.warnings.some((w) => w.includes('profiled cold start is 8.3 s'))).toBe(true);
  });

  it('reads a traffic file', async () => {
    await writeFile(join(home, 'traffic.yaml'), 'peakRps: 300\noffPeakRps: 30\ngrowthFactor: 1.2\n');
    const { code, stdout } = await runPlanCli(['plan', TRITON, '--traffic', join(home, 'traffic.yaml'), '--sla', 'p95<=100ms', '--json'], { home });
    expect(code).toBe(ExitCode.ok);
    // 300 x 1.2 = 360 req/s at peak; 183 x 0.8 = 146.4 per instance -> ceil(2.459) = 3
    expect(Plan.parse(JSON.parse(stdout)).candidates[0]).toMatchObject({ peakDemandRps: 360, peakInstances: 3 });
  });
});

describe('capacity-plan plan: a sweep with a capacity interval (version 3)', () => {
  const V3 = 'test/fixtures/sweep/tiny-interval-v3.json';
  it('plans on the lower end by default and says so; --capacity estimate plans on the estimate', async () => {
    // Capacity 41.2 req/s, 90% interval 36.5–45: 36.5 x 0.8 = 29.2 per instance, ceil(60 / 29.2) = 3 x $0.526 x 730 = $1,151.94.
    const lower = await runPlanCli(['plan', V3, '--peak-rps', '60', '--sla', 'p95<=100ms', '--region', 'us-east-1', '--explain'], { home, cwd: REPO_ROOT });
    expect(lower.code).toBe(ExitCode.ok);
    expect(lower.stdout).toContain('41.2 req/s (90% 36.5–45), planned on 36.5');
    expect(lower.stdout).toContain('Recommended: tiny-triton/default on EC2: 3 x g4dn.xlarge in us-east-1, $1,151.94/month static');
    expect(lower.stdout).toContain('  planned on: the lower end, 36.5 req/s (--capacity lower, the default): the capacity is at least this with 95% confidence');
    // 41.2 x 0.8 = 32.96, ceil(60 / 32.96) = 2 x $0.526 x 730 = $767.96.
    const estimate = await runPlanCli(['plan', V3, '--peak-rps', '60', '--sla', 'p95<=100ms', '--region', 'us-east-1', '--capacity', 'estimate', '--json'], { home, cwd: REPO_ROOT });
    expect(estimate.code).toBe(ExitCode.ok);
    const plan = Plan.parse(JSON.parse(estimate.stdout));
    expect(plan.inputs.capacity).toBe('estimate');
    expect(plan.candidates[0]).toMatchObject({ peakInstances: 2, usdPerMonth: 767.96, capacity: { throughputRps: 41.2, plannedOn: 'estimate', interval: { estimateRps: 41.2, lowerRps: 36.5, upperRps: 45, confidencePct: 90 } } });
  });

  it('--capacity with another value: exit 2, one line', async () => {
    const { code, stdout, stderr } = await runPlanCli(['plan', V3, '--peak-rps', '60', '--sla', 'p95<=100ms', '--capacity', 'upper'], { home, cwd: REPO_ROOT });
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe('');
    expect(expectOneLineError(stderr)).toBe("error: --capacity must be one of lower, estimate, got 'upper'");
  });
});

describe('capacity-plan plan: when no candidate meets the SLA', () => {
  it('still prints the plan with the closest candidate, then exits 5 with one line', async () => {
    const { code, stdout, stderr } = await runPlanCli(['plan', TORCHSERVE, TRITON, '--peak-rps', '60', '--sla', 'p95<=50ms'], { home });
    expect(code).toBe(ExitCode.measurement);
    expect(stdout).toContain('No candidate meets p95<=50ms; closest: article-triton-g4dn, 48 ms (96%) over');
    expectOneLineError(stderr);
    expect(stderr).toContain('no candidate meets p95<=50ms: the closest, article-triton-g4dn, misses by 48 ms (96%)');
  });
});

describe('capacity-plan plan: bad inputs get one line naming the field, and an exit code', () => {
  async function writeJson(name: string, value: unknown): Promise<string> {
    const path = join(home, name);
    await mkdir(home, { recursive: true });
    await writeFile(path, JSON.stringify(value));
    return path;
  }

  const cases: [string, () => Promise<string[]>, number, RegExp][] = [
    ['an unknown region', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms', '--region', 'mars-east-1'], ExitCode.usage, /--region 'mars-east-1' has no prices/],
    [
      'an unknown instance type',
      async () => ['plan', await writeJson('odd.json', profileDoc({ name: 'odd', environment: { ...profileDoc({ name: 'x' }).environment, instanceType: 'g9z.huge' } })), '--peak-rps', '60', '--sla', 'p95<=100ms'],
      ExitCode.input,
      /environment.instanceType: unknown instance type 'g9z.huge'/,
    ],
    [
      'a profile with no instance type',
      async () => {
        const doc = profileDoc({ name: 'bare' });
        delete (doc.environment as { instanceType?: string }).instanceType;
        return ['plan', await writeJson('bare.json', doc), '--peak-rps', '60', '--sla', 'p95<=100ms'];
      },
      ExitCode.input,
      /environment.instanceType is not recorded.*--instance-type/,
    ],
    [
      'a traffic file with negative rps',
      async () => ['plan', TRITON, '--traffic', await writeJson('neg.json', { hourlyRps: [5, -1, ...Array(166).fill(5)] }), '--sla', 'p95<=100ms'],
      ExitCode.input,
      /traffic '.*neg.json' is invalid: hourlyRps.1: Too small: expected number to be >=0/,
    ],
    [
      'a traffic file with the wrong number of hours',
      async () => ['plan', TRITON, '--traffic', await writeJson('day.json', { hourlyRps: Array(24).fill(5) }), '--sla', 'p95<=100ms'],
      ExitCode.input,
      /hourlyRps: expected 168 values/,
    ],
    ['an SLA that does not parse', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95 under 100'], ExitCode.usage, /--sla 'p95 under 100' does not parse/],
    [
      'a profile of another schema version',
      async () => ['plan', await writeJson('v9.json', { ...JSON.parse(readFileSync(join(REPO_ROOT, TRITON), 'utf8')), schemaVersion: 9 }), '--peak-rps', '60', '--sla', 'p95<=100ms'],
      ExitCode.input,
      /profile '.*v9.json' has schemaVersion 9, this version of capacity-plan reads schemaVersion 1 or 2/,
    ],
    ['a document of another kind', async () => ['plan', await writeJson('plan.json', { kind: 'plan' }), '--peak-rps', '60', '--sla', 'p95<=100ms'], ExitCode.input, /'.*plan\.json' has kind "plan" \(expected a profile or sweep document\)/],
    ['an AWS_REGION without prices', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms'], ExitCode.usage, /AWS_REGION 'eu-central-1' has no prices/],
    ['a missing document', async () => ['plan', 'nope.json', '--peak-rps', '60', '--sla', 'p95<=100ms'], ExitCode.input, /cannot read document 'nope.json': no such file/],
    ['no --sla', async () => ['plan', TRITON, '--peak-rps', '60'], ExitCode.usage, /--sla is required/],
    ['no traffic', async () => ['plan', TRITON, '--sla', 'p95<=100ms'], ExitCode.usage, /no traffic given/],
    ['--utilization out of range', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms', '--utilization', '1.5'], ExitCode.usage, /--utilization '1.5' must be a fraction in \(0, 1\]/],
    ['--min-instances not whole', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms', '--min-instances', '1.5'], ExitCode.usage, /--min-instances '1.5'/],
    ['an unknown --tz', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms', '--tz', 'Mars/Olympus'], ExitCode.usage, /--tz 'Mars\/Olympus' is not an IANA time zone/],
    ['bad --business-hours', async () => ['plan', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms', '--business-hours', '9to5'], ExitCode.usage, /--business-hours '9to5'/],
    ['--traffic with --peak-rps', async () => ['plan', TRITON, '--peak-rps', '60', '--traffic', 'x.yaml', '--sla', 'p95<=100ms'], ExitCode.usage, /--traffic cannot be combined/],
    ['--compare with one document', async () => ['plan', '--compare', TRITON, '--peak-rps', '60', '--sla', 'p95<=100ms'], ExitCode.usage, /--compare needs at least two documents/],
  ];

  it.each(cases)('%s', async (what, argv, exitCode, message) => {
    const env = what.startsWith('an AWS_REGION') ? { AWS_REGION: 'eu-central-1' } : {};
    const { code, stdout, stderr } = await runPlanCli(await argv(), { home, cwd: REPO_ROOT, env });
    expect(code).toBe(exitCode);
    expect(stdout).toBe('');
    expectOneLineError(stderr);
    expect(stderr).toMatch(message);
  });
});
