import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerRightsizeCommand } from '../../src/cli/rightsize.js';
import { syntheticRecording } from '../../src/rightsize/syntheticFleet.js';
import { Fleet } from '../../src/schema/fleet.js';
import { Findings } from '../../src/schema/findings.js';
import { findingsEvidence } from '../../src/schema/findingsText.js';
import { ExitCode } from '../../src/util/errors.js';
import { Plan } from '../../src/schema/plan.js';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { stubFakeCredentials } from '../support/awsEnv.js';
import { runCapturedCli, type CliRun } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';
import { BUILT_CLI, REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';
import { startFakeCloudWatch, type FakeCloudWatch, type FakeSeries } from '../support/fakeCloudWatch.js';

const FLEET = 'profiles/examples/defect-classifier-fleet.yaml';
const METRICS = 'profiles/examples/defect-classifier-metrics.json';
const VERDICT = 'verdict: 4 × g4dn.xlarge carry a peak of 95 req/s; 2 suffice at p95 ≤ 100 ms with the HA floor, saving $767.96/month';

let home: string;
let cleanup: () => Promise<void>;
let server: FakeCloudWatch | undefined;
beforeEach(async () => {
  const temp = await makeTempDir('cp-rightsize-');
  home = temp.dir;
  cleanup = temp.remove;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
  await cleanup();
});

async function rightsize(argv: string[], options: { env?: NodeJS.ProcessEnv; now?: Date } = {}): Promise<CliRun> {
  return runCapturedCli(['rightsize', ...argv], [registerRightsizeCommand], { home, env: options.env, now: options.now ?? new Date('2026-11-23T00:00:00.000Z') });
}

const runPlanCli = (argv: string[], options: { home: string }): Promise<CliRun> => runCapturedCli(argv, [registerPlanCommand], options);

/** A fleet file in the temp home whose capacity points at the article's Triton figures. */
async function writeFleet(overrides: Record<string, string> = {}): Promise<string> {
  const text = (await readFile(join(REPO_ROOT, FLEET), 'utf8')).replace('../imported/article-triton-g4dn.json', join(REPO_ROOT, 'profiles/imported/article-triton-g4dn.json'));
  const edited = Object.entries(overrides).reduce((t, [from, to]) => t.replace(from, to), text);
  const path = join(home, 'fleet.yaml');
  await writeFile(path, edited);
  return path;
}

describe('capacity-plan rightsize on the shipped recorded example (no AWS)', () => {
  it('prints the table and the verdict, writes the findings document, exits 0', async () => {
    const out = join(home, 'findings.json');
    const { code, stdout, stderr } = await rightsize(['--fleet', FLEET, '--metrics-from', METRICS, '--out', out]);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain(VERDICT);
    expect(stdout).toMatch(/OVER_PROVISIONED\s+0\s+\$767\.96\s+CapacityOverprovisioned, GPUOverprovisioned/);
    expect(stderr).toBe(`wrote findings to ${out}\n`);
    const doc = Findings.parse(JSON.parse(await readFile(out, 'utf8')));
    expect(doc.summary).toMatchObject({ runningInstances: 4, peakDemandRps: 95, neededInstances: 2, staticSavingsUsdPerMonth: 767.96 });
    expect(doc.capacity.document).toBe('profiles/imported/article-triton-g4dn.json');
    // The evidence behind GPUOverprovisioned, in the terminal as on the findings page: the peak
    // hour's p95 against the SLA and the GPU the fleet used against what the profile reached.
    expect(stdout).toContain(findingsEvidence(doc));
    expect(findingsEvidence(doc)).toMatch(/^evidence: peak hour .*: 95 req\/s, p95 up to [\d.]+ ms \(worst minute\) against 100 ms; GPU utilisation observed up to [\d.]+% \(hourly mean per GPU\) against [\d.]+% profiled at capacity$/);
  });

  it('--json prints exactly the findings document; --explain then goes to stderr', async () => {
    const { code, stdout, stderr } = await rightsize(['--fleet', FLEET, '--metrics-from', METRICS, '--json', '--explain', '--peak', 'p99']);
    expect(code).toBe(ExitCode.ok);
    const doc = Findings.parse(JSON.parse(stdout));
    expect(doc.window.peakStat).toBe('p99');
    expect(stderr).toContain('ceil(');
  });

  it('--fail-on: exit 5 on a match, one line; 0 when nothing matches', async () => {
    const hit = await rightsize(['--fleet', FLEET, '--metrics-from', METRICS, '--fail-on', 'UNDER_PROVISIONED,OVER_PROVISIONED']);
    expect(hit.code).toBe(ExitCode.measurement);
    expect(hit.stdout).toContain(VERDICT);
    expect(hit.stderr).toBe('error: rightsize found OVER_PROVISIONED (--fail-on) (see the findings above)\n');
    const miss = await rightsize(['--fleet', FLEET, '--metrics-from', METRICS, '--fail-on', 'sla_at_risk']);
    expect(miss.code).toBe(ExitCode.ok);
  });

  it('user mistakes get one line each, naming the key or flag', async () => {
    const noFleet = await rightsize([]);
    expect(noFleet.code).toBe(ExitCode.usage);
    expectOneLineError(noFleet.stderr);

    const badFailOn = await rightsize(['--fleet', FLEET, '--fail-on', 'OVERPROVISIONED']);
    expect(badFailOn.code).toBe(ExitCode.usage);
    expect(badFailOn.stderr).toMatch(/^error: --fail-on: unknown finding OVERPROVISIONED/);

    const lookback = await rightsize(['--fleet', FLEET, '--lookback', '30d']);
    expect(lookback.code).toBe(ExitCode.usage);
    expect(lookback.stderr).toContain('CloudWatch keeps 1-minute data for 15 days');

    const badKey = await rightsize(['--fleet', await writeFleet({ 'loadBalancer: app/defect-alb/50dc6c495c0c9188': 'loadBalancer: defect-alb' })]);
    expect(badKey.code).toBe(ExitCode.input);
    expectOneLineError(badKey.stderr);
    expect(badKey.stderr).toContain("is invalid: source.loadBalancer: expected 'app/<name>/<id>'");

    const unknownKey = await rightsize(['--fleet', await writeFleet({ 'minInstances: 2': 'minInstance: 2' })]);
    expect(unknownKey.code).toBe(ExitCode.input);
    expect(unknownKey.stderr).toMatch(/is invalid: .*minInstance/);

    const badSla = await rightsize(['--fleet', await writeFleet({ 'sla: p95<=100ms': 'sla: fast' })]);
    expect(badSla.stderr).toContain("is invalid: sla: 'fast' does not parse");

    const missingCapacity = await rightsize(['--fleet', await writeFleet({ 'article-triton-g4dn.json': 'nope.json' })]);
    expect(missingCapacity.code).toBe(ExitCode.input);
    expect(missingCapacity.stderr).toMatch(/cannot read document '.*nope\.json': no such file/);
  });
});

describe('plan --traffic-from <findings.json>', () => {
  it("plans for the fleet's observed week: 95 req/s at the peak fits one Triton instance", async () => {
    const out = join(home, 'findings.json');
    await rightsize(['--fleet', FLEET, '--metrics-from', METRICS, '--out', out]);
    const { code, stdout, stderr } = await runPlanCli(['plan', 'profiles/imported/article-triton-g4dn.json', '--sla', 'p95<=100ms', '--traffic-from', out, '--json'], { home });
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    const plan = Plan.parse(JSON.parse(stdout));
    // ceil(95 / (183 x 0.8)) = 1 instance: $0.526 x 730 = $383.98.
    expect(plan.inputs.traffic).toMatchObject({ form: 'weekly', hours: 168, peakRps: 95 });
    expect(plan.inputs.traffic.description).toContain('hourly max demand of fleet defect-classifier');
    expect(plan.candidates[0]).toMatchObject({ peakInstances: 1, usdPerMonth: 383.98 });

    const both = await runPlanCli(['plan', 'profiles/imported/article-triton-g4dn.json', '--sla', 'p95<=100ms', '--traffic-from', out, '--peak-rps', '5'], { home });
    expect(both.code).toBe(ExitCode.usage);
    expectOneLineError(both.stderr);
  });
});

describe('capacity-plan rightsize against a local CloudWatch endpoint', () => {
  it('reads CloudWatch, --record saves what it read, and --metrics-from replays it to the same findings', async () => {
    stubFakeCredentials();
    const fleet = Fleet.parse({ ...(await import('yaml')).parse(await readFile(join(REPO_ROOT, FLEET), 'utf8')) });
    const start = Date.UTC(2026, 10, 21) / 1000;
    // Two days of the example fleet, served as CloudWatch would (sparse points, its units).
    const recording = syntheticRecording({
      fleet, startEpochS: start, days: 2, seed: 3, peakRps: 95, offPeakRps: 30, noise: 0.1, instances: 4,
      latencyMs: { peak: 61, offPeak: 47 }, gpuUtilPct: { peak: 12, offPeak: 4 }, gpuMemoryUsedMiB: 9011, gpuMemoryTotalMiB: 15360,
    });
    const series: FakeSeries[] = recording.series.map((s) => ({
      namespace: s.namespace,
      metricName: s.metricName,
      dimensions: Object.fromEntries(s.dimensions.map((d) => [d.name, d.value])),
      stat: s.stat,
      points: s.values.flatMap((v, i) => (v === null ? [] : [[start + i * 60, v] as [number, number]])),
    }));
    server = await startFakeCloudWatch({ series, pageSize: 20_000 });
    const record = join(home, 'recorded.json');
    const env = { AWS_ENDPOINT_URL_CLOUDWATCH: server.url };
    const live = await rightsize(['--fleet', await writeFleet(), '--lookback', '2d', '--record', record, '--json'], { env });
    expect(live.stderr).toBe(`recorded the metrics to ${record}\n`);
    expect(live.code).toBe(ExitCode.ok);
    const fromAws = Findings.parse(JSON.parse(live.stdout));
    expect(fromAws.window).toMatchObject({ start: '2026-11-21T00:00:00.000Z', end: '2026-11-23T00:00:00.000Z', hours: 48 });
    // Saturday and Sunday only: 30 req/s all weekend, 4 running, 2 needed.
    expect(fromAws.summary).toMatchObject({ runningInstances: 4, peakDemandRps: 30, neededInstances: 2, staticSavingsUsdPerMonth: 767.96 });
    // 7 queries of 2,880 points fit one call; 20,000 points a page.
    expect(server.callsOf('GetMetricData').length).toBeGreaterThanOrEqual(2);

    const replay = await rightsize(['--fleet', await writeFleet(), '--metrics-from', record, '--json']);
    const fromRecording = Findings.parse(JSON.parse(replay.stdout));
    expect(fromRecording.findings).toEqual(fromAws.findings);
    expect(fromRecording.hours).toEqual(fromAws.hours);
  });

  it('--create-alarms twice puts the alarms once; --dry-run calls nothing', async () => {
    stubFakeCredentials();
    server = await startFakeCloudWatch({});
    const env = { AWS_ENDPOINT_URL_CLOUDWATCH: server.url };
    const topic = 'arn:aws:sns:us-east-1:123456789012:capacity';
    const dry = await rightsize(['--fleet', FLEET, '--create-alarms', '--alarm-topic', topic, '--dry-run'], { env });
    expect(dry.code).toBe(ExitCode.ok);
    expect(dry.stdout).toContain('would put 4 alarms (dry run: no AWS call)');
    expect(server.calls).toHaveLength(0);

    const first = await rightsize(['--fleet', FLEET, '--create-alarms', '--alarm-topic', topic], { env });
    expect(first.code).toBe(ExitCode.ok);
    expect(first.stdout).toContain('4 alarm(s) put, 0 unchanged, in us-east-1');
    const second = await rightsize(['--fleet', FLEET, '--create-alarms', '--alarm-topic', topic], { env });
    expect(second.stdout).toContain('0 alarm(s) put, 4 unchanged, in us-east-1');
    expect(server.callsOf('PutMetricAlarm')).toHaveLength(4);
    const latency = server.alarms.get('capacity-plan/defect-classifier/latency-sla')!;
    expect(latency).toMatchObject({ ExtendedStatistic: 'p95', Threshold: 0.1, TreatMissingData: 'notBreaching', EvaluateLowSampleCountPercentile: 'ignore', AlarmActions: [topic] });
    expect(latency.AlarmDescription).toContain('183 req/s per g4dn.xlarge at p95<=100ms from profiles/imported/article-triton-g4dn.json');
  });
});

describe('capacity-plan rightsize as a real process on Node 20', () => {
  it("an unreachable CloudWatch is one line on stderr: the SDK's Node version warning stays out", async () => {
    const closed = await startFakeCloudWatch({});
    await closed.close();
    // Without the variable main.ts sets, the SDK would print its multi-line NodeVersionSupportWarning here.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      CAPACITY_PLAN_HOME: home,
      AWS_ENDPOINT_URL_CLOUDWATCH: closed.url,
      AWS_ACCESS_KEY_ID: 'AKIDFAKEFORTESTS',
      AWS_SECRET_ACCESS_KEY: 'fake-secret-for-tests',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    const result = await promisify(execFile)(process.execPath, [BUILT_CLI, 'rightsize', '--fleet', FLEET, '--lookback', '1h'], { cwd: REPO_ROOT, env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
    expect(result.code).toBe(ExitCode.environment);
    expect(result.stdout).toBe('');
    expectOneLineError(result.stderr);
    expect(result.stderr).toMatch(/^error: cannot reach CloudWatch at http:\/\/127.0.0.1:\d+ \(ECONNREFUSED\)/);
  });
});
