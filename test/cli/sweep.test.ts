import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSweepCommand } from '../../src/cli/sweep.js';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { runCapturedCli, type CliRun } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';

describe('capacity-plan sweep (in process)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-cli-sweep-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const run = (...argv: string[]): Promise<CliRun> => runCapturedCli(['sweep', ...argv], [registerSweepCommand], { home: join(dir, 'home') });

  it('requires --sla', async () => {
    const r = await run('--model', 'tiny', '--out', join(dir, 's.json'));
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toContain('--sla is required');
  });

  it('rejects a bad --vary with a one-line usage error naming the syntax', async () => {
    const r = await run('--model', 'tiny', '--sla', 'p95<=100ms', '--vary', 'maxBatchSize=4..x', '--out', join(dir, 's.json'));
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toContain("--vary maxBatchSize: '4..x' is not a list of whole numbers above zero");
  });

  it('refuses a checkpoint of another sweep at the same --out, and leaves it in place', async () => {
    const out = join(dir, 's.json');
    const foreign = JSON.stringify({ schemaVersion: 1, kind: 'sweep-checkpoint', definitionHash: 'f'.repeat(64), summary: 'another sweep', points: [] });
    await writeFile(`${out}.checkpoint.json`, foreign);
    const r = await run('--model', 'tiny', '--sla', 'p95<=100ms', '--vary', 'concurrency=1', '--out', out);
    expect(r.code).toBe(2);
    expect(expectOneLineError(r.stderr)).toMatch(/checkpoint '.*s\.json\.checkpoint\.json' belongs to a different sweep \(another sweep\).*delete the checkpoint/);
    expect(await readFile(`${out}.checkpoint.json`, 'utf8')).toBe(foreign);
  });

  it('exits 5 when no configuration meets the SLA, still writing the document, and suggests no plan', async () => {
    const out = join(dir, 'never.json');
    const r = await run('--model', 'tiny', '--duration', '1.5', '--sla', 'p95<=0.001ms', '--vary', 'concurrency=auto', '--out', out);
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^error: no configuration met p95<=0.001ms at any load measured \(relax --sla/);
    expect(r.stdout).toContain('default: no load measured meets p95<=0.001ms');
    expect(r.stdout).not.toContain('next:');
    const doc = SweepResult.parse(JSON.parse(await readFile(out, 'utf8')));
    // The search stops at concurrency 1: nothing lower to try.
    expect(doc.configurations[0]!.points.map((p) => [p.offered.value, p.meetsSla])).toEqual([[1, false]]);
    expect(doc.configurations[0]!.maxThroughputAtSlaRps).toBeNull();
  });

  it('measures the tiny model for real; --json prints only the document, the next command goes to stderr', async () => {
    const out = join(dir, 'results', 's.json');
    const r = await run('--model', 'tiny', '--duration', '1.5', '--sla', 'p95<=60s', '--vary', 'concurrency=1,2', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('default: max ');
    expect(r.stdout).toMatch(/next: capacity-plan plan \S+s\.json --sla 'p95<=60000ms' --peak-rps <peak req\/s>/);

    const json = await run('--model', 'tiny', '--duration', '1.5', '--sla', 'p95<=60s', '--vary', 'concurrency=1', '--out', out, '--json');
    expect(json.code, json.stderr).toBe(0);
    const doc = SweepResult.parse(JSON.parse(json.stdout));
    expect(doc.configurations).toHaveLength(1);
    expect(doc.configurations[0]!.points.map((p) => p.offered)).toEqual([{ kind: 'concurrency', value: 1 }]);
    expect(doc.configurations[0]!.points[0]!.throughputRps).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(JSON.parse(json.stdout));
    expect(json.stderr).toContain('next: capacity-plan plan');
    // On success the checkpoint is gone and no temp file is left.
    expect(await readdir(join(dir, 'results'))).toEqual(['s.json']);
  });

  it('rejects a bad --budget and --target-precision with one-line usage errors', async () => {
    const budget = await run('--model', 'tiny', '--sla', 'p95<=100ms', '--budget', 'ten minutes', '--out', join(dir, 's.json'));
    expect(budget.code).toBe(2);
    expect(expectOneLineError(budget.stderr)).toContain("--budget must be a span above zero such as 10m, 90s or 1h, got 'ten minutes'");
    const precision = await run('--model', 'tiny', '--sla', 'p95<=100ms', '--target-precision', '0%', '--out', join(dir, 's.json'));
    expect(precision.code).toBe(2);
    expect(expectOneLineError(precision.stderr)).toContain("--target-precision must be a percentage above 0 and at most 100 such as 10%, got '0%'");
  });

  it('measures a capacity with its interval, and says so when a busy process shares the host', async () => {
    // A real neighbour: one node process spinning on a core of the host while the sweep runs.
    const { spawn } = await import('node:child_process');
    const busy = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    try {
      const out = join(dir, 'busy.json');
      const r = await run('--model', 'tiny', '--duration', '2', '--budget', '20s', '--sla', 'p95<=60s', '--out', out);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^default: capacity \d+\.\d req\/s \(90% interval /m);
      expect(r.stderr).toMatch(/other processes used \d+% of the host's CPU: measuring again/);
      expect(r.stdout).toMatch(/^warning: the host was busy: \d+% of CPU used by other processes during \d+ of \d+ rates/m);
      const doc = SweepResult.parse(JSON.parse(await readFile(out, 'utf8')));
      expect(doc.schemaVersion).toBe(3);
      expect(doc.interference!.runsKeptFlagged).toBeGreaterThan(0);
      expect(doc.configurations[0]!.capacity).toBeDefined();
      for (const p of doc.configurations[0]!.points) expect(p.judgement!.requests).toBeGreaterThan(0);
    } finally {
      busy.kill('SIGKILL');
    }
  });
});
