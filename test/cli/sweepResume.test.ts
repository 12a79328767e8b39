import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SweepResult } from '../../src/schema/sweepResult.js';
import { SweepCheckpoint } from '../../src/sweep/checkpoint.js';
import { BUILT_CLI, REPO_ROOT } from '../support/repoRoot.js';

/**
 * The real CLI, spawned: Ctrl-C keeps the checkpoint and exits 130; SIGKILL mid-sweep loses only
 * the point in progress; re-running the same command resumes, replaying finished points unchanged.
 */

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [BUILT_CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exit };
}

async function checkpointPoints(path: string): Promise<SweepCheckpoint['points']> {
  if (!existsSync(path)) return [];
  // Written by rename, so a read sees a whole checkpoint or the previous one.
  return SweepCheckpoint.parse(JSON.parse(await readFile(path, 'utf8'))).points;
}

/** Polls the checkpoint until it holds `count` points; fails if the process ends first. */
async function waitForPoints(path: string, count: number, running: { exited: boolean }): Promise<void> {
  for (;;) {
    if ((await checkpointPoints(path)).length >= count) return;
    if (running.exited) throw new Error(`the sweep ended before its checkpoint held ${count} points`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const key = (configuration: string, value: number): string => `${configuration}@${value}`;

describe('capacity-plan sweep: interrupt, kill and resume (spawned CLI, tiny model)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-sweep-e2e-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resumes after Ctrl-C and after SIGKILL without re-measuring finished points', { timeout: 300_000 }, async () => {
    const out = join(dir, 'sweep.json');
    const checkpoint = `${out}.checkpoint.json`;
    const env = { ...process.env, CAPACITY_PLAN_HOME: join(dir, 'home') };
    // 2 configurations x 2 loads; a loose SLA so every listed load is measured: 4 points in all.
    const args = ['sweep', '--model', 'tiny', '--duration', '1.5', '--sla', 'p95<=60s', '--vary', 'instances=1,2', 'concurrency=1,2', '--out', out];

    // Run 1: Ctrl-C once the first point is checkpointed -> exit 130, checkpoint kept, resume hint.
    const run1 = start(args, env);
    const running1 = { exited: false };
    void run1.exit.then(() => (running1.exited = true));
    await waitForPoints(checkpoint, 1, running1);
    run1.child.kill('SIGINT');
    const exit1 = await run1.exit;
    expect(exit1.code, exit1.stderr).toBe(130);
    expect(exit1.stderr).toMatch(/error: sweep interrupted: \d+ finished point\(s\) kept in .*; to resume, run the same command again/);
    const afterInterrupt = await checkpointPoints(checkpoint);
    expect(afterInterrupt.length).toBeGreaterThanOrEqual(1);
    expect(existsSync(out)).toBe(false);

    // Run 2: resumes, then is SIGKILLed once the checkpoint holds at least 2 points (and more than before).
    const run2 = start(args, env);
    const running2 = { exited: false };
    void run2.exit.then(() => (running2.exited = true));
    await waitForPoints(checkpoint, Math.max(2, afterInterrupt.length + 1), running2);
    run2.child.kill('SIGKILL');
    const exit2 = await run2.exit;
    expect(exit2.signal).toBe('SIGKILL');
    expect(exit2.stderr).toContain(`resuming: ${afterInterrupt.length} points done`);
    const afterKill = await checkpointPoints(checkpoint);
    expect(afterKill.length).toBeGreaterThanOrEqual(2);
    expect(afterKill.length).toBeLessThan(4);
    // Run 2 kept run 1's points exactly as they were.
    expect(afterKill.slice(0, afterInterrupt.length)).toEqual(afterInterrupt);

    // Run 3: finishes; every point is in the document, the checkpointed ones byte for byte.
    const exit3 = await start(args, env).exit;
    expect(exit3.code, exit3.stderr).toBe(0);
    expect(exit3.stderr).toContain(`resuming: ${afterKill.length} points done`);
    expect(exit3.stderr.match(/\(from checkpoint\)/g)).toHaveLength(afterKill.length);
    expect(exit3.stdout).toContain('next: capacity-plan plan');
    expect(existsSync(checkpoint)).toBe(false);

    const doc = SweepResult.parse(JSON.parse(await readFile(out, 'utf8')));
    const finalPoints = new Map(doc.configurations.flatMap((c) => c.points.map((p) => [key(c.label, p.offered.value), p] as const)));
    expect([...finalPoints.keys()].sort()).toEqual(['instances=1@1', 'instances=1@2', 'instances=2@1', 'instances=2@2']);
    for (const entry of afterKill) {
      expect(JSON.stringify(finalPoints.get(key(entry.configuration, entry.point.offered.value)))).toBe(JSON.stringify(entry.point));
    }
  });
});
