import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReportCommand } from '../../src/cli/report.js';
import { registerServeCommand } from '../../src/cli/serve.js';
import { ExitCode } from '../../src/util/errors.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';

/** `capacity-plan report` and `serve` from the command line: output, and one-line errors. */
let box: CliSandbox;
beforeAll(async () => {
  box = await cliSandbox([registerReportCommand, registerServeCommand]);
});
afterAll(async () => {
  await box.cleanup();
});

const fixture = (p: string) => resolve('test/fixtures/report', p);

describe('capacity-plan report', () => {
  it('writes one HTML file and prints its path', async () => {
    const { code, stdout } = await box.run(['report', fixture('sweep.json'), fixture('article-plan.json'), '--out', 'r.html']);
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toBe(`wrote ${join(box.cwd, 'r.html')}\n`);
    expect(readFileSync(join(box.cwd, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('without --out, with a bad --sla, with a missing or foreign file: one line each, nothing written', async () => {
    const noOut = await box.run(['report', fixture('sweep.json')]);
    expect(noOut.code).toBe(ExitCode.usage);
    expect(expectOneLineError(noOut.stderr)).toBe('error: --out is required (e.g. --out report.html)');
    const badSla = await box.run(['report', fixture('sweep.json'), '--out', 'x.html', '--sla', 'fast']);
    expect(badSla.code).toBe(ExitCode.usage);
    expect(expectOneLineError(badSla.stderr)).toMatch(/^error: --sla 'fast' does not parse/);
    const missing = await box.run(['report', 'nope.json', '--out', 'x.html']);
    expect(missing.code).toBe(ExitCode.input);
    expect(expectOneLineError(missing.stderr)).toBe("error: cannot read 'nope.json': no such file or directory (check the path)");
    const foreign = await box.run(['report', resolve('package.json'), '--out', 'x.html']);
    expect(foreign.code).toBe(ExitCode.input);
    expect(expectOneLineError(foreign.stderr)).toMatch(/has kind null \(expected a profile, sweep or plan document\)/);
    expect(existsSync(join(box.cwd, 'x.html'))).toBe(false);
  });
});

describe('capacity-plan serve', () => {
  it('a port out of range is a usage error', async () => {
    const { code, stderr } = await box.run(['serve', '--port', '70000']);
    expect(code).toBe(ExitCode.usage);
    expect(expectOneLineError(stderr)).toBe("error: --port must be at most 65535, got '70000'");
  });
});
