import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerModelCommand } from '../../src/cli/model.js';
import { runCli } from '../../src/cli/program.js';
import { buildTiny } from '../../src/model/tiny.js';
import { captureRuntime, type CapturedRuntime } from '../support/cliRuntime.js';


describe('capacity-plan model build', () => {
  let dir: string;
  let rt: CapturedRuntime;
  const run = (...argv: string[]) => runCli(argv, rt, [registerModelCommand]);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capacity-plan-cli-model-'));
    rt = captureRuntime({ home: join(dir, 'home'), cwd: dir });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes tiny relative to cwd and prints one line: path, size, parameters, MACs', async () => {
    expect(await run('model', 'build', 'tiny', '--out', 'models/tiny.onnx')).toBe(0);
    const path = join(dir, 'models', 'tiny.onnx');
    const written = await readFile(path);
    expect(written.equals(Buffer.from(buildTiny({ seed: 1 })))).toBe(true);
    const lines = rt.out().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(path);
    expect(lines[0]).toContain(`${(written.length / 1000).toFixed(1)} KB`);
    expect(lines[0]).toContain('24,570 parameters');
    expect(lines[0]).toContain('9.63 M MACs per image');
    expect(rt.err()).toBe('');
    // Atomic write: no temp file left beside it.
    expect(await readdir(join(dir, 'models'))).toEqual(['tiny.onnx']);
  });

  it('uses --seed', async () => {
    expect(await run('model', 'build', 'tiny', '--out', 'seven.onnx', '--seed', '7')).toBe(0);
    const written = await readFile(join(dir, 'seven.onnx'));
    expect(written.equals(Buffer.from(buildTiny({ seed: 7 })))).toBe(true);
    expect(written.equals(Buffer.from(buildTiny({ seed: 1 })))).toBe(false);
  });

  it('rejects an unknown model name with exit code 2, the allowed names, no stack trace', async () => {
    expect(await run('model', 'build', 'resnet18', '--out', 'x.onnx')).toBe(2);
    expect(rt.err()).toMatch(/^error: unknown model 'resnet18': expected one of resnet50, tiny/);
    expect(rt.err().trimEnd().split('\n')).toHaveLength(1);
    expect(rt.err()).not.toMatch(/\n\s+at /);
    expect(await readdir(dir)).toEqual([]);
  });

  it('rejects a bad --seed with exit code 2', async () => {
    expect(await run('model', 'build', 'tiny', '--out', 'x.onnx', '--seed', '1.5')).toBe(2);
    expect(rt.err()).toContain("--seed '1.5'");
    expect(await readdir(dir)).toEqual([]);
  });

  it('requires --out (exit code 2)', async () => {
    expect(await run('model', 'build', 'tiny')).toBe(2);
    expect(rt.err()).toContain('--out');
  });
});
