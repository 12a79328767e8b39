import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerAgentCommand } from '../../src/cli/agent.js';
import { addExitCodes, exitCodeLines } from '../../src/cli/exitCodes.js';
import { addFlags, type FlagTable } from '../../src/cli/flagTable.js';
import { positiveInt, text } from '../../src/cli/flags.js';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerProfileCommand } from '../../src/cli/profile.js';
import { resolveSpec } from '../../src/cli/profileSpecFlags.js';
import { runCli, type Register } from '../../src/cli/program.js';
import type { Runtime } from '../../src/cli/runtime.js';
import { registerSweepCommand } from '../../src/cli/sweep.js';
import { registerWhatifCommand } from '../../src/cli/whatif.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { parseSla } from '../../src/schema/sla.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { pointSpec } from '../../src/sweep/pointSpec.js';
import { parseVary } from '../../src/sweep/vary.js';

async function help(command: string, register: Register): Promise<string> {
  let stdout = '';
  const rt: Runtime = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    env: {},
    cwd: process.cwd(),
    home: '/nonexistent',
    now: () => new Date(0),
    signal: new AbortController().signal,
  };
  expect(await runCli([command, '--help'], rt, [register])).toBe(0);
  // commander wraps long help lines: read it as one line per option.
  return stdout.replace(/\n {20,}/g, ' ');
}

const flagsIn = (helpText: string): string[] => [...helpText.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]!);

describe('flag tables', () => {
  it('parse each value, collect <value...> flags and apply commander defaults', () => {
    const table = {
      count: { flag: '--count <n>', parse: positiveInt, help: 'how many', default: 2 },
      tag: { flag: '--tag <tags...>', parse: text, many: true, help: 'tags' },
      verbose: { flag: '--verbose', help: 'say more' },
    } satisfies FlagTable;
    const command = addFlags(new Command('x').exitOverride(), table);
    command.parse(['--tag', 'a', 'b', '--tag', 'c', '--verbose'], { from: 'user' });
    expect(command.opts()).toEqual({ count: 2, tag: ['a', 'b', 'c'], verbose: true });
    expect(() => command.parse(['--count', '0'], { from: 'user' })).toThrow("--count must be a whole number above zero, got '0'");
  });

  it('a row with a default and words for it: commander applies the value, --help shows the words once', () => {
    const table = { lookback: { flag: '--lookback <span>', parse: positiveInt, help: 'how far back', default: 20160, defaultHelp: '14d' } } satisfies FlagTable;
    const command = addFlags(new Command('x').exitOverride(), table);
    command.parse([], { from: 'user' });
    expect(command.opts()).toEqual({ lookback: 20160 });
    const description = command.createHelp().optionDescription(command.options[0]!);
    expect(description).toBe('how far back (default: 14d)');
  });

  it('refuse a row whose key is not the name commander reads, or a value flag without a parser', () => {
    expect(() => addFlags(new Command('x'), { maxPoint: { flag: '--max-points <n>', parse: positiveInt, help: '' } })).toThrow(/read as 'maxPoints'/);
    expect(() => addFlags(new Command('x'), { out: { flag: '--out <file>', help: '' } })).toThrow(/takes a value but has no parser/);
  });

  it('agent --help lists only the flags the serving side reads', async () => {
    const flags = flagsIn(await help('agent', registerAgentCommand));
    expect(flags).toEqual(expect.arrayContaining(['--port', '--model', '--input-shape', '--preset', '--device', '--batching', '--max-batch-size', '--preprocess', '--request-log-url']));
    // --name names the result document, which the agent never writes.
    for (const clientOnly of ['--name', '--load', '--concurrency', '--rps', '--seed', '--duration', '--warmup', '--window', '--images', '--image-count', '--transport', '--target']) {
      expect(flags).not.toContain(clientOnly);
    }
    expect(flags).not.toContain('--spec-json');
  });

  it('--help shows each default: from commander, the schema or the rules', async () => {
    const profile = await help('profile', registerProfileCommand);
    expect(profile).toMatch(/--instances <n> .*\(default: 1\)$/m);
    expect(profile).toMatch(/--concurrency <n> .*\(default: 8\)$/m);
    expect(profile).toMatch(/--max-batch-size <n> .*\(default: 8\)$/m);
    expect(profile).toMatch(/--device <device> .*\(default: cpu, or \$CAPACITY_PLAN_DEVICE\)$/m);
    expect(profile).toMatch(/--duration <s> .*\(default: 30\)$/m);
    expect(profile).toMatch(/--protocol <protocol> .*\(default: raw\)$/m);
    expect(await help('sweep', registerSweepCommand)).toMatch(/--max-points <n> .*\(default: \d+\)$/m);
    const plan = await help('plan', registerPlanCommand);
    expect(plan).toMatch(/--utilization <fraction> .*\(default: 0\.8\)$/m);
    expect(plan).toMatch(/--region <region> .*\(default: \$AWS_REGION, else us-east-1\)$/m);
  });
});

describe('exit-code tables', () => {
  it('list 0, 1 and 2 always, then the command\'s own codes in order, wrapped under their text', () => {
    const command = addExitCodes(new Command('x'), { ok: 'done', measurement: 'the SLA is missed by every candidate the plan priced, so nothing is recommended at all', input: 'no file' });
    let out = '';
    command.configureOutput({ writeOut: (s) => (out += s) }).outputHelp();
    expect(out.slice(out.indexOf('Exit codes:'))).toBe(
      [
        'Exit codes:',
        '  0  done',
        '  1  internal error: a bug, please report it',
        '  2  a bad flag or flag value',
        '  3  no file',
        '  5  the SLA is missed by every candidate the plan priced, so nothing is',
        '     recommended at all',
        '',
      ].join('\n'),
    );
    expect(exitCodeLines({ ok: 'done', usage: 'no --sla' }).map((l) => [l.code, l.text])).toEqual([[0, 'done'], [1, 'internal error: a bug, please report it'], [2, 'no --sla']]);
  });
});

describe("each command's help says what that command does", () => {
  const defaults = ProfileSpec.parse({});
  const sla = parseSla('p95<=100ms');

  it('profile: the load and the duration are the spec\'s, for the whole run', async () => {
    const profile = await help('profile', registerProfileCommand);
    expect(profile).toMatch(new RegExp(`--load <model> .*\\(default: ${defaults.load.kind}\\)$`, 'm'));
    expect(profile).toMatch(/--duration <s>\s+bound on the whole run, warm-up included/m);
    expect(flagsIn(profile)).toContain('--transport');
  });

  it('sweep: Poisson arrivals from a probe by default, --duration per run, no --transport it cannot honour', async () => {
    const sweep = await help('sweep', registerSweepCommand);
    // What a sweep of the default spec runs: an rps search whose runs have Poisson arrivals...
    const byRate = buildDefinition({ baseSpec: defaults, vary: parseVary([]), sla, maxPoints: 12 });
    expect(byRate.axis).toMatchObject({ kind: 'rps', startLoad: 'probe' });
    expect(pointSpec(defaults, 'rps', 10).load.kind).toBe('poisson');
    expect(sweep).toMatch(/--load <model> .*\(default: poisson\)$/m);
    expect(sweep).toMatch(/--rps <n>\s+the first rate of the rps capacity search \(default: a one-client probe's throughput\)$/m);
    // ...and --vary concurrency=auto starts at the concurrency its help says.
    const byClients = buildDefinition({ baseSpec: defaults, vary: parseVary(['concurrency=auto']), sla, maxPoints: 12 });
    expect(byClients.axis).toMatchObject({ kind: 'concurrency', startLoad: 1 });
    expect(sweep).toMatch(/--concurrency <n> .*\(default: 1\)$/m);
    expect(sweep).toMatch(/--duration <s>\s+bound on each run, warm-up included/m);
    expect(flagsIn(sweep)).not.toContain('--transport');
    expect(flagsIn(sweep)).toContain('--target');
  });

  it('whatif: no --rps or --concurrency, which its searches never read', async () => {
    const whatif = await help('whatif', registerWhatifCommand);
    expect(flagsIn(whatif)).not.toContain('--rps');
    expect(flagsIn(whatif)).not.toContain('--concurrency');
    expect(whatif).toMatch(/--load <model> .*\(default: poisson\)$/m);
    expect(whatif).toMatch(/--duration <s>\s+bound on each run/m);
  });
});

describe('resolveSpec', () => {
  it('places each flag at its path in the ProfileSpec', async () => {
    const spec = await resolveSpec(
      { name: 'n', inputShape: [3, 8, 8], instances: 3, threads: 2, spoolThresholdBytes: 10, payloadSpool: 'temp-file', preprocess: 'client', stabilityPct: 5, maxWindows: 4 },
      {},
      process.cwd(),
    );
    expect(spec.name).toBe('n');
    expect(spec.model.inputShape).toEqual([3, 8, 8]);
    expect(spec.engine).toMatchObject({ instances: 3, intraOpNumThreads: 2 });
    expect(spec.pipeline.payloadSpool).toEqual({ mode: 'temp-file', thresholdBytes: 10 });
    expect(spec.pipeline.preprocess.where).toBe('client');
    expect(spec.measurement).toMatchObject({ stabilityPct: 5, maxWindows: 4 });
  });

  it('--duration with --warmup fits the window around the warm-up given', async () => {
    const spec = await resolveSpec({ duration: 5, warmup: 1 }, {}, process.cwd());
    expect(spec.measurement).toMatchObject({ durationS: 5, warmupS: 1, windowS: 1.2 });
  });
});
