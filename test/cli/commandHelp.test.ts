import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Argument, Command, Option } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/cli/batch.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { demoImageBytes, demoTrafficRps } from '../../src/cli/demo.js';
import { flagName } from '../../src/cli/flagTable.js';
import { readTraffic } from '../../src/app/traffic.js';
import { defaultResultPath } from '../../src/app/profile.js';
import { resolveSpec, resolveTransport } from '../../src/cli/profileSpecFlags.js';
import { buildProgram, runCli, type Register } from '../../src/cli/program.js';
import { resolveRegion } from '../../src/cli/regionFlag.js';
import { defaultServePaths, serveCommand } from '../../src/cli/serve.js';
import { SPEC_FLAGS } from '../../src/cli/specFlags.js';
import { SPEC_FLAG_OVERRIDES, type SpecFlagUse } from '../../src/cli/specFlagUses.js';
import { verifyCommand } from '../../src/cli/verify.js';
import { DEFAULT_WHATIF_BUDGET_S, DEFAULT_WHATIF_INSTANCE_TYPE, whatifStartRps } from '../../src/cli/whatif.js';
import { detectLayout } from '../../src/model/signature.js';
import { weeklyDemandRps } from '../../src/plan/trafficWeek.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { startReportServer } from '../../src/server/report/server.js';
import { DocumentStore } from '../../src/server/report/documentStore.js';
import { resolveToken } from '../../src/server/agent/auth.js';
import type { ProfileResult } from '../../src/schema/profileResult.js';
import { ProfileSpec } from '../../src/schema/profileSpec.js';
import { Verification } from '../../src/schema/verification.js';
import { kindFromOutputs } from '../../src/serving/outputKind.js';
import { buildDefinition } from '../../src/sweep/definition.js';
import { capacityRunSpec, pointSpec } from '../../src/sweep/pointSpec.js';
import { parseVary } from '../../src/sweep/vary.js';
import { ExitCode } from '../../src/util/errors.js';
import { captureRuntime, cliSandbox, FIXED_NOW, type CliSandbox } from '../support/cliRuntime.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { sweepDoc } from '../support/sweepV3.js';
import { passingTrials } from '../support/verifyTrials.js';

/**
 * Issue 16: every command's --help is generated from its flag table and its exit-code table, and
 * says what that command does: the codes it lists exist and are documented, it lists no flag the
 * command does not read, and every "(default: …)" it shows is what the command does.
 */

interface Listed {
  /** 'batch submit' */
  path: string;
  command: Command;
  /** The file that registers it (src/cli/<name>.ts). */
  file: string;
}

/** Every command and subcommand main.ts registers, with the file its Register is in. */
function everyCommand(): Listed[] {
  const listed: Listed[] = [];
  for (const register of COMMANDS) {
    // registerWhatifCommand is in src/cli/whatif.ts: one file per command (docs/ARCHITECTURE.md).
    const stem = register.name.replace(/^register(\w)(\w*)Command$/, (_, first: string, rest: string) => first.toLowerCase() + rest);
    const file = `src/cli/${stem}.ts`;
    const program = buildProgram(captureRuntime({ home: '/nonexistent' }), [register]);
    const walk = (command: Command, path: string[]): void => {
      listed.push({ path: path.join(' '), command, file });
      for (const sub of command.commands) walk(sub, [...path, sub.name()]);
    };
    for (const command of program.commands) walk(command, [command.name()]);
  }
  return listed;
}

const COMMAND_LIST = everyCommand();

async function helpOf(path: string): Promise<string> {
  const rt = captureRuntime({ home: '/nonexistent' });
  expect(await runCli([...path.split(' '), '--help'], rt, COMMANDS), `${path} --help`).toBe(ExitCode.ok);
  return rt.out();
}

/** The codes of README.md's "## Exit codes" table. */
function readmeExitCodes(): number[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Exit codes'), readme.indexOf('\n## ', readme.indexOf('\n## Exit codes') + 1));
  return [...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
}

/** The "Exit codes:" section of a --help: each code listed, or 'subcommands' for a group. */
function exitSection(help: string): number[] | 'subcommands' | undefined {
  const at = help.indexOf('\nExit codes:');
  if (at < 0) return undefined;
  const section = help.slice(at);
  if (/^ {2}each subcommand's --help lists its own/m.test(section)) return 'subcommands';
  return [...section.matchAll(/^ {2}(\d+) {2}/gm)].map((m) => Number(m[1]));
}

describe('every command registered in main.ts', () => {
  it('is walked here: each of COMMANDS, and the subcommands', () => {
    expect(COMMAND_LIST.map((c) => c.path)).toEqual(
      expect.arrayContaining(['plan', 'prices', 'prices refresh', 'profile', 'demo', 'model', 'model build', 'sweep', 'agent', 'verify', 'serve', 'report', 'rightsize', 'batch', 'batch submit', 'batch status', 'batch collect', 'examples', 'doctor', 'whatif']),
    );
    for (const { file } of COMMAND_LIST) expect(existsSync(join(REPO_ROOT, file)), file).toBe(true);
  });

  it.each(COMMAND_LIST.map((c) => [c.path, c] as const))('%s: --help exits 0 and lists its exit codes, each one in ExitCode and in README.md', async (path, { command }) => {
    const help = await helpOf(path);
    const section = exitSection(help);
    if (section === undefined) throw new Error(`${path} --help has no "Exit codes:" section`);
    if (section === 'subcommands') {
      // A group: its subcommands are walked too, each with its own table.
      expect(command.commands.length).toBeGreaterThan(0);
      return;
    }
    const documented = readmeExitCodes();
    expect(documented).toEqual(expect.arrayContaining([0, 1, 2, 3, 4, 5, 6, 130]));
    expect(section).toEqual(expect.arrayContaining([ExitCode.ok, ExitCode.internal, ExitCode.usage]));
    expect(section).toEqual([...section].sort((a, b) => a - b));
    for (const code of section) {
      expect(Object.values(ExitCode), `${path} lists exit ${code}`).toContain(code);
      expect(documented, `${path} lists exit ${code}, which README.md's table lacks`).toContain(code);
    }
  });

  it.each(COMMAND_LIST.map((c) => [c.path, c] as const))('%s: --help lists no flag the command does not read', (path, { command, file }) => {
    const sources = cliSources(file);
    const readBySpec = sources.has('src/cli/specFlags.ts');
    const unread = command.createHelp()
      .visibleOptions(command)
      .filter((option) => option.long !== '--help')
      .filter((option) => !(readBySpec && isPlacedSpecFlag(option)) && ![...sources.values()].some((source) => reads(source, option.attributeName())));
    expect(unread.map((o) => o.long), `${path}: flags no code reachable from ${file} reads`).toEqual([]);
  });
});

/**
 * The sources a command's flags can be read in: its file and what it imports, transitively, within
 * src/cli and src/app (the adapters and their use-cases; deeper layers get plain values, not flags).
 */
function cliSources(file: string): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (path: string): void => {
    if (seen.has(path) || !/^src\/(cli|app)\//.test(path) || !existsSync(join(REPO_ROOT, path))) return;
    const source = readFileSync(join(REPO_ROOT, path), 'utf8');
    seen.set(path, source);
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) visit(relative(REPO_ROOT, resolve(REPO_ROOT, dirname(path), `${m[1]}.ts`)));
  };
  visit(file);
  return seen;
}

/** `flags.name`, `options.name`, or `const { name } = ...`. */
function reads(source: string, attribute: string): boolean {
  return new RegExp(`\\.${attribute}\\b|\\{[^{}]*\\b${attribute}\\b[^{}]*\\}\\s*=`).test(source);
}

/** A spec flag that resolveSpec places at its path in the ProfileSpec (read by its table key, not by name). */
function isPlacedSpecFlag(option: Option): boolean {
  return Object.values(SPEC_FLAGS).some((row) => flagName(row) === option.long && 'path' in row && row.path !== undefined);
}

interface ShownDefault {
  command: string;
  /** '--lookback', or '[paths]' for an argument. */
  flag: string;
  /** What --help shows after "(default: ". */
  shown: string;
  /** A commander default shown as commander shows it: applied by commander, true by construction. */
  byCommander: boolean;
  option?: Option;
}

/** Every "(default: …)" every command's --help shows, per option and argument; problems for any other "(default". */
function shownDefaults(): { shown: ShownDefault[]; problems: string[] } {
  const shown: ShownDefault[] = [];
  const problems: string[] = [];
  for (const { path, command } of COMMAND_LIST) {
    const help = command.createHelp();
    const described: [string, string, boolean, Option | undefined][] = [
      ...help.visibleOptions(command).map((o): [string, string, boolean, Option] => [o.long ?? o.flags, help.optionDescription(o), byCommander(o), o]),
      ...help.visibleArguments(command).map((a): [string, string, boolean, undefined] => [`[${a.name()}]`, help.argumentDescription(a), byCommander(a), undefined]),
    ];
    for (const [flag, description, commander, option] of described) {
      const at = description.indexOf('(default');
      if (at < 0) continue;
      // Defaults come from the table (default or defaultHelp), which puts them last, once.
      const match = /^\(default: (.*)\)$/s.exec(description.slice(at));
      if (!match || description.indexOf('(default', at + 1) >= 0) problems.push(`${path} ${flag}: a default written in the help text, not by the table: ${description}`);
      else shown.push({ command: path, flag, shown: match[1]!, byCommander: commander, ...(option ? { option } : {}) });
    }
  }
  return { shown, problems };
}

function byCommander(o: Option | Argument): boolean {
  return o.defaultValue !== undefined && o.defaultValueDescription === undefined;
}

/**
 * A check of one "(default: …)" that commander does not apply as shown: it calls what decides the
 * default and asserts the help's words. `commands` is every command showing that flag this way.
 */
interface DefaultCheck {
  commands: string[];
  flag: string;
  check: (shown: string, c: CheckContext) => void | Promise<void>;
}

interface CheckContext {
  command: string;
  option?: Option;
  box: CliSandbox;
}

const SPEC_COMMANDS: SpecFlagUse[] = ['profile', 'sweep', 'agent', 'whatif'];
const REGION_COMMANDS = ['plan', 'whatif', 'prices refresh', 'batch submit', 'batch status', 'batch collect'];
const cwd = REPO_ROOT;
const sla = { percentile: 'p95' as const, maxLatencyMs: 100 };

/** A row with a commander default and words for it: the words parse, by the flag's own parser, to the default. */
function wordsParseToDefault(shown: string, { option }: CheckContext): void {
  expect(option?.parseArg, 'a flag that takes a value').toBeDefined();
  expect(option!.parseArg!(shown, undefined)).toEqual(option!.defaultValue);
}

const EXPLICIT_CHECKS: DefaultCheck[] = [
  {
    commands: REGION_COMMANDS,
    flag: '--region',
    check: (shown) => {
      expect(shown).toBe(`$AWS_REGION, else ${resolveRegion(undefined, {}).region}`);
      expect(resolveRegion(undefined, { AWS_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    },
  },
  {
    commands: ['plan', 'whatif'],
    flag: '--offpeak-rps',
    check: async (shown, { box }) => {
      expect(shown).toBe('the peak, i.e. flat');
      const traffic = await readTraffic({ peakRps: 10, businessHours: '09-18', tz: 'UTC' }, captureRuntime({ home: box.home }));
      expect(traffic).toMatchObject({ peakRps: 10, offPeakRps: 10 });
    },
  },
  {
    commands: ['plan', 'whatif'],
    flag: '--weekend-rps',
    check: async (shown, { box }) => {
      expect(shown).toBe('off-peak');
      // Business hours all day on weekdays: the 48 weekend hours are the only off-peak ones.
      const traffic = await readTraffic({ peakRps: 10, offpeakRps: 3, businessHours: '00-24', tz: 'UTC' }, captureRuntime({ home: box.home }));
      expect(Array.from(weeklyDemandRps(traffic, FIXED_NOW)).filter((rps) => rps === 3)).toHaveLength(48);
    },
  },
  {
    commands: ['prices'],
    flag: '--platform',
    check: async (shown, { box }) => {
      const run = await box.run(['prices', '--json']);
      expect(run.code).toBe(0);
      const rows = (JSON.parse(run.stdout) as { rows: { instanceType: string }[] }).rows;
      expect(shown).toBe('ec2');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.instanceType.startsWith('ml.'))).toEqual([]);
    },
  },
  {
    commands: ['prices'],
    flag: '--region',
    check: async (shown, { box }) => {
      expect(shown).toBe('every region with prices');
      const run = await box.run(['prices', '--json']);
      const regions = new Set((JSON.parse(run.stdout) as { rows: { region: string }[] }).rows.map((r) => r.region));
      expect([...regions].sort()).toEqual([...new PriceBook(snapshotCatalog()).regions()].sort());
    },
  },
  {
    commands: ['prices refresh'],
    flag: '--platform',
    check: async (shown, { box }) => {
      expect(shown).toBe('ec2');
      // Unreachable on purpose: the first line says what it would fetch.
      const run = await box.run(['prices', 'refresh', '--instance-types', 'g5.xlarge'], { env: { AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9' } });
      expect(run.stderr).toMatch(/^fetching On-Demand Linux prices for 1 instance type\(s\) in us-east-1/);
    },
  },
  {
    commands: ['prices refresh'],
    flag: '--instance-types',
    check: async (shown, { box }) => {
      expect(shown).toBe('every type in the catalog');
      const run = await box.run(['prices', 'refresh'], { env: { AWS_ENDPOINT_URL_PRICING: 'http://127.0.0.1:9' } });
      expect(run.stderr).toMatch(new RegExp(`^fetching On-Demand Linux prices for ${snapshotCatalog().instances.length} instance type\\(s\\)`));
    },
  },
  {
    commands: ['profile'],
    flag: '--out',
    check: (shown) => {
      expect(shown).toBe('profiles/results/<name>-<time>.json');
      const rt = captureRuntime({ home: '/nonexistent', cwd: '/work' });
      const result = { name: 'n', createdAt: '2026-11-23T12:00:00.000Z' } as ProfileResult;
      expect(defaultResultPath(rt.cwd, result)).toBe('/work/profiles/results/n-2026-11-23T12-00-00-000Z.json');
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--layout',
    check: (shown) => {
      expect(shown).toBe('detected: nhwc when only the last dimension is 1 or 3');
      expect(detectLayout(['N', 224, 224, 3])).toBe('nhwc');
      expect(detectLayout(['N', 3, 224, 224])).toBe('nchw');
      expect(detectLayout(['N', 3, 224, 3])).toBe('nchw');
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--output',
    check: async (shown) => {
      expect(shown).toBe("detected from the model's outputs");
      expect((await resolveSpec({}, {}, cwd)).model.output).toBeUndefined();
      expect(kindFromOutputs([{ name: 'logits', type: 'float32', shape: ['N', 1000] }])).toBe('classification');
      expect(kindFromOutputs([{ name: 'boxes', type: 'float32', shape: ['N', 100, 4] }])).toBe('raw');
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--device',
    check: async (shown) => {
      expect(shown).toBe('cpu, or $CAPACITY_PLAN_DEVICE');
      expect((await resolveSpec({}, {}, cwd)).engine.device).toBe('cpu');
      expect((await resolveSpec({}, { CAPACITY_PLAN_DEVICE: 'cuda' }, cwd)).engine.device).toBe('cuda');
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--max-batch-size',
    check: async (shown) => {
      expect((await resolveSpec({ batching: 'triton' }, {}, cwd)).batching).toMatchObject({ policy: 'triton', maxBatchSize: Number(shown) });
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--max-queue-delay-us',
    check: async (shown) => {
      expect((await resolveSpec({ batching: 'triton' }, {}, cwd)).batching).toMatchObject({ policy: 'triton', maxQueueDelayUs: Number(shown) });
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--batch-size',
    check: async (shown) => {
      expect((await resolveSpec({ batching: 'torchserve' }, {}, cwd)).batching).toMatchObject({ policy: 'torchserve', batchSize: Number(shown) });
    },
  },
  {
    commands: SPEC_COMMANDS,
    flag: '--request-log-url',
    check: async (shown) => {
      expect(shown).toBe('a local sink');
      // No URL in the spec: the serving pipeline starts its local sink (src/serving/servingPipeline.ts).
      const { requestLog } = (await resolveSpec({ requestLog: 'http' }, {}, cwd)).pipeline;
      expect(requestLog).toMatchObject({ mode: 'http' });
      expect(requestLog.url).toBeUndefined();
    },
  },
  {
    commands: ['profile', 'sweep', 'whatif'],
    flag: '--warmup',
    check: async (shown) => {
      expect(shown).toBe('2, less to fit a short --duration');
      expect((await resolveSpec({}, {}, cwd)).measurement.warmupS).toBe(2);
      expect((await resolveSpec({ duration: 3 }, {}, cwd)).measurement.warmupS).toBeLessThan(2);
    },
  },
  {
    commands: ['profile', 'sweep', 'whatif'],
    flag: '--window',
    check: async (shown) => {
      expect(shown).toBe('2, less to fit a short --duration');
      expect((await resolveSpec({}, {}, cwd)).measurement.windowS).toBe(2);
      expect((await resolveSpec({ duration: 3 }, {}, cwd)).measurement.windowS).toBeLessThan(2);
    },
  },
  {
    commands: ['profile', 'sweep', 'whatif'],
    flag: '--image-bytes',
    check: async (shown) => {
      expect(shown).toBe("1200000 (the article's ~1.2 MB)");
      expect((await resolveSpec({}, {}, cwd)).images).toMatchObject({ kind: 'synthetic', meanBytes: 1_200_000 });
    },
  },
  {
    commands: ['profile'],
    flag: '--transport',
    check: (shown) => {
      expect(shown).toBe('inprocess');
      expect(resolveTransport({})).toEqual({ kind: 'inprocess' });
    },
  },
  {
    commands: ['profile', 'sweep'],
    flag: '--protocol',
    check: (shown) => {
      expect(resolveTransport({ target: 'http://127.0.0.1:8000' })).toMatchObject({ kind: 'remote', protocol: shown });
    },
  },
  {
    commands: ['profile', 'sweep'],
    flag: '--token',
    // Behaviour (the header the target receives) in commandExits.test.ts: profile --target with $CAPACITY_PLAN_TOKEN.
    check: (shown) => expect(shown).toBe('$CAPACITY_PLAN_TOKEN'),
  },
  {
    commands: ['profile', 'sweep'],
    flag: '--region',
    check: (shown) => {
      expect(shown).toBe("$AWS_REGION, else the AWS profile's region");
      // Unset, the SDK's own chain decides: $AWS_REGION, then the profile's region.
      expect(resolveTransport({ target: 'sagemaker://my-endpoint' })).toMatchObject({ kind: 'sagemaker', endpointName: 'my-endpoint' });
      expect(resolveTransport({ target: 'sagemaker://my-endpoint' })).not.toHaveProperty('region', expect.anything());
    },
  },
  { commands: ['demo'], flag: '--sla', check: wordsParseToDefault },
  { commands: ['demo'], flag: '--whatif-budget', check: wordsParseToDefault },
  { commands: ['rightsize'], flag: '--lookback', check: wordsParseToDefault },
  {
    commands: ['demo'],
    flag: '--image-bytes',
    check: (shown) => {
      expect(shown).toBe("150000; with --model resnet50, the article's ~1.2 MB");
      expect(demoImageBytes({ model: 'tiny' })).toBe(150_000);
      expect(demoImageBytes({ model: 'my-model.onnx' })).toBe(150_000);
      // undefined: the spec's own, the article's size.
      expect(demoImageBytes({ model: 'resnet50' })).toBeUndefined();
      expect(ProfileSpec.parse({}).images).toMatchObject({ meanBytes: 1_200_000 });
    },
  },
  {
    commands: ['demo'],
    flag: '--peak-rps',
    check: (shown) => {
      expect(shown).toBe("4x torchserve-default's measured throughput");
      expect(demoTrafficRps(250)).toBe(1000);
    },
  },
  {
    commands: ['sweep'],
    flag: '--out',
    check: async (shown, { box }) => {
      expect(shown).toBe('profiles/results/sweep-<name>-<time>.json');
      // Interrupted before its first run, a sweep says where its document would go.
      const run = await box.run(['sweep', '--sla', 'p95<=100ms', '--model', 'tiny', '--quiet'], { signal: AbortSignal.abort() });
      expect(run.code).toBe(ExitCode.interrupted);
      expect(run.stderr).toContain(`--out ${join(box.cwd, 'profiles', 'results', 'sweep-profile-2026-11-23T12-00-00-000Z.json')}`);
    },
  },
  {
    commands: ['sweep'],
    flag: '--budget',
    check: (shown, { option }) => {
      const definition = buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary([]), sla, maxPoints: 12 });
      expect(option!.parseArg!(shown, undefined)).toBe(definition.budgetS);
    },
  },
  {
    commands: ['sweep'],
    flag: '--target-precision',
    check: (shown, { option }) => {
      const definition = buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary([]), sla, maxPoints: 12 });
      expect(option!.parseArg!(shown, undefined)).toBe(definition.targetPrecisionPct);
    },
  },
  {
    commands: ['sweep'],
    flag: '--repeats',
    check: (shown) => {
      const repeats = (vary: string[]): number => buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary(vary), sla, maxPoints: 12 }).repeats;
      expect(shown).toBe(`${repeats(['rps=10,20'])} on a listed rps axis, ${repeats(['concurrency=1,2'])} on a concurrency axis`);
    },
  },
  {
    commands: ['sweep', 'whatif'],
    flag: '--load',
    check: (shown) => {
      // Each run of a capacity search (sweep's, and whatif's variants').
      expect(capacityRunSpec(ProfileSpec.parse({}), 10, 0).load.kind).toBe(shown);
      expect(pointSpec(ProfileSpec.parse({}), 'rps', 10).load.kind).toBe(shown);
    },
  },
  {
    commands: ['sweep'],
    flag: '--concurrency',
    check: (shown) => {
      const definition = buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary(['concurrency=auto']), sla, maxPoints: 12 });
      expect(definition.axis).toMatchObject({ kind: 'concurrency', startLoad: Number(shown) });
    },
  },
  {
    commands: ['sweep'],
    flag: '--rps',
    check: (shown) => {
      expect(shown).toBe("a one-client probe's throughput");
      const definition = buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary([]), sla, maxPoints: 12 });
      expect(definition.axis).toMatchObject({ kind: 'rps', startLoad: 'probe' });
    },
  },
  {
    commands: ['sweep', 'whatif'],
    flag: '--duration',
    check: async (shown) => {
      // A bound on each run: a slow rate's run measures up to it (and half a second of slack).
      const base = await resolveSpec({}, {}, cwd);
      expect(base.measurement.durationS).toBe(Number(shown));
      expect(capacityRunSpec(base, 0.5, 0).measurement.durationS).toBe(Number(shown) + 0.5);
    },
  },
  {
    commands: ['agent'],
    flag: '--token',
    check: async (shown, { box }) => {
      expect(shown).toBe('$CAPACITY_PLAN_TOKEN; none on loopback, else generated and printed');
      expect(resolveToken('127.0.0.1', undefined)).toEqual({ generated: false });
      expect(resolveToken('0.0.0.0', undefined)).toMatchObject({ generated: true, token: expect.any(String) });
      // $CAPACITY_PLAN_TOKEN is the token given: the agent starts, says so, and (signal aborted) stops.
      const run = await box.run(['agent', '--model', 'tiny', '--port', '0'], { env: { CAPACITY_PLAN_TOKEN: 'from-env' }, signal: AbortSignal.abort() });
      expect(run.code, run.stderr).toBe(ExitCode.ok);
      expect(run.stderr).toContain("inference needs 'Authorization: Bearer <token>' (the one given)");
    },
  },
  {
    commands: ['verify'],
    flag: '--candidate',
    check: async (shown, { box }) => {
      expect(shown).toBe('the recommended one');
      const { doc, plan } = await verifyWithDefaults(box);
      expect(doc.candidate).toBe(plan.recommended);
    },
  },
  {
    commands: ['verify'],
    flag: '--trials',
    check: async (shown, { box }) => {
      expect((await verifyWithDefaults(box)).seen).toHaveLength(Number(shown));
    },
  },
  {
    commands: ['verify'],
    flag: '--duration',
    check: async (shown, { box }) => {
      // Warm-up and measurement take the --duration; the run's bound has half a second of slack.
      const { seen } = await verifyWithDefaults(box);
      for (const spec of seen) expect(spec.measurement.durationS).toBe(Number(shown) + 0.5);
    },
  },
  {
    commands: ['verify'],
    flag: '--out',
    check: async (shown, { box }) => {
      expect(shown).toBe('profiles/results/verify-<candidate>-<time>.json');
      const { doc, written } = await verifyWithDefaults(box);
      expect(written).toEqual([`verify-${doc.candidate.replace('/', '_')}-${doc.createdAt.replace(/[:.]/g, '-')}.json`]);
    },
  },
  {
    commands: ['serve'],
    flag: '--token',
    check: async (shown, { box }) => {
      expect(shown).toBe('a random one, printed');
      const store = new DocumentStore();
      const servers = [await startReportServer({ store, host: '0.0.0.0', port: 0 }), await startReportServer({ store, host: '0.0.0.0', port: 0 })];
      const loopback = await startReportServer({ store, host: '127.0.0.1', port: 0 });
      try {
        expect(servers[0]!.token).toEqual(expect.any(String));
        expect(servers[0]!.token).not.toBe(servers[1]!.token);
        expect(loopback.token).toBeNull();
      } finally {
        for (const server of [...servers, loopback]) await server.close();
      }
      // Printed: serve beyond loopback, stopped once it has said what it serves.
      const stop = new AbortController();
      const rt = captureRuntime({ home: box.home, cwd: box.cwd, signal: stop.signal });
      const serving = serveCommand([box.cwd], { host: '0.0.0.0', port: 0 }, rt);
      await expect.poll(() => rt.out()).toContain('token (required beyond loopback): ');
      stop.abort();
      await serving;
    },
  },
  {
    commands: ['serve'],
    flag: '[paths]',
    check: async (shown, { box }) => {
      expect(shown).toBe('./profiles, or the current directory where there is none');
      const empty = join(box.dir, 'no-profiles');
      await mkdir(empty, { recursive: true });
      expect(defaultServePaths(empty)).toEqual([empty]);
      await mkdir(join(box.cwd, 'profiles'), { recursive: true });
      expect(defaultServePaths(box.cwd)).toEqual([join(box.cwd, 'profiles')]);
    },
  },
  {
    commands: ['batch submit'],
    flag: '--run',
    check: (shown) => {
      expect(shown).toBe('the time and a random suffix');
      expect(newRunId(FIXED_NOW)).toMatch(/^20261123-120000-[0-9a-f]{4}$/);
      expect(newRunId(FIXED_NOW)).not.toBe(newRunId(FIXED_NOW));
    },
  },
  {
    commands: ['whatif'],
    flag: '--instance-type',
    check: (shown) => expect(shown).toBe(`the profile's, else ${DEFAULT_WHATIF_INSTANCE_TYPE}`),
  },
  {
    commands: ['whatif'],
    flag: '--budget',
    check: (shown, { option }) => expect(option!.parseArg!(shown, undefined)).toBe(DEFAULT_WHATIF_BUDGET_S),
  },
  {
    commands: ['whatif'],
    flag: '--target-precision',
    check: (shown, { option }) => {
      const definition = buildDefinition({ baseSpec: ProfileSpec.parse({}), vary: parseVary([]), sla, maxPoints: 12 });
      expect(option!.parseArg!(shown, undefined)).toBe(definition.targetPrecisionPct);
    },
  },
  {
    commands: ['whatif'],
    flag: '--start-rps',
    check: (shown) => {
      expect(shown).toBe("90% of the profile's throughput; without a profile, a one-client probe of each variant");
      expect(whatifStartRps(undefined, 200)).toBe(180);
      expect(whatifStartRps(undefined, undefined)).toBeUndefined();
      expect(whatifStartRps(50, 200)).toBe(50);
    },
  },
  {
    commands: ['whatif'],
    flag: '--out',
    check: async (shown, { box }) => {
      expect(shown).toBe('profiles/results/whatif-<name>-<time>.json');
      // Interrupted before its first run: the checkpoint lies beside the document it would write.
      const run = await box.run(['whatif', '--sla', 'p95<=100ms', '--peak-rps', '10', '--model', 'tiny', '--quiet'], { signal: AbortSignal.abort() });
      expect(run.code).toBe(ExitCode.interrupted);
      expect(run.stderr).toContain(join(box.cwd, 'profiles', 'results', 'whatif-profile-2026-11-23T12-00-00-000Z.json.checkpoint.json'));
    },
  },
];

/**
 * The spec flags whose default is the schema's (shown from ProfileSpec): the spec a command starts
 * from without preset or flags has it, for every command that shows it unchanged.
 */
const at = (root: unknown, path: string): unknown => path.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown> | undefined)?.[k], root);
const SPEC_SCHEMA_CHECKS: DefaultCheck[] = Object.entries(SPEC_FLAGS)
  .filter(([, row]) => 'path' in row && !('defaultHelp' in row))
  // A value the schema leaves unset (--rps, --images) has no default to show.
  .filter(([, row]) => ![undefined, null].includes(at(ProfileSpec.parse({}), (row as { path: string }).path) as null) && !Array.isArray(at(ProfileSpec.parse({}), (row as { path: string }).path)))
  .map(([key, row]) => ({
    commands: SPEC_COMMANDS.filter((use) => SPEC_FLAG_OVERRIDES[use][key] === undefined),
    flag: flagName(row),
    check: async (shown: string) => {
      const value = at(await resolveSpec({}, {}, cwd), (row as { path: string }).path);
      expect(typeof value === 'string' ? value : JSON.stringify(value)).toBe(shown);
    },
  }));

const CHECKS = [...EXPLICIT_CHECKS, ...SPEC_SCHEMA_CHECKS];

/** The one check of a shown default, explicit first (they cover what overrides the schema's). */
function checkOf(d: Pick<ShownDefault, 'command' | 'flag'>): DefaultCheck | undefined {
  return CHECKS.find((c) => c.flag === d.flag && c.commands.includes(d.command));
}

describe("every command's --help defaults are what the command does", () => {
  let box: CliSandbox;
  beforeAll(async () => {
    box = await cliSandbox(COMMANDS, 'cp-cli-help-');
  });
  afterAll(async () => {
    await box.cleanup();
  });

  const { shown, problems } = shownDefaults();
  const checked = shown.filter((d) => !d.byCommander);

  it('finds the defaults (a broken scan would pass the rest)', () => {
    expect(shown.length).toBeGreaterThan(100);
    expect(shown).toContainEqual(expect.objectContaining({ command: 'plan', flag: '--utilization', shown: '0.8', byCommander: true }));
    expect(shown).toContainEqual(expect.objectContaining({ command: 'rightsize', flag: '--lookback', shown: '14d', byCommander: false }));
    expect(shown).toContainEqual(expect.objectContaining({ command: 'batch submit', flag: '--region', byCommander: false }));
    expect(shown).toContainEqual(expect.objectContaining({ command: 'serve', flag: '[paths]', byCommander: false }));
  });

  it('no default is written into a help text by hand, and the help output shows no other "(default"', async () => {
    expect(problems).toEqual([]);
    for (const { path } of COMMAND_LIST) {
      // Joined as commander wraps it, the help shows each of the defaults found above, and no other.
      const help = (await helpOf(path)).replace(/\n\s+/g, ' ');
      expect(help.match(/\(default\b/g)?.length ?? 0, path).toBe(shown.filter((d) => d.command === path).length);
    }
  });

  it('every default commander does not apply as shown has its check below (a new defaultHelp needs one)', () => {
    expect(checked.filter((d) => !checkOf(d)).map((d) => `${d.command} ${d.flag}: (default: ${d.shown})`)).toEqual([]);
    // ...and no check is left over from a default no help shows any more.
    expect(CHECKS.filter((c) => !checked.some((d) => checkOf(d) === c)).map((c) => `${c.commands.join('/')} ${c.flag}`)).toEqual([]);
  });

  it.each(checked.map((d) => [`${d.command} ${d.flag}`, d] as const))('%s', async (_, d) => {
    await checkOf(d)!.check(d.shown, { command: d.command, ...(d.option ? { option: d.option } : {}), box });
  });
});

/** verify with no flags but the plan, trials run by a fake: what each default decided. Run once. */
let verified: Promise<{ doc: Verification; plan: { recommended: string | null }; seen: ProfileSpec[]; written: string[] }> | undefined;
function verifyWithDefaults(box: CliSandbox): NonNullable<typeof verified> {
  verified ??= (async () => {
    const dir = join(box.dir, 'verify');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'sweep.json'), JSON.stringify(sweepDoc([[50, 40, true], [100, 90, true], [200, 400, false]])));
    const planned = await box.run(['plan', 'sweep.json', '--peak-rps', '300', '--sla', 'p95<=100ms', '--out', 'plan.json', '--json'], { cwd: dir });
    expect(planned.code, planned.stderr).toBe(ExitCode.ok);
    const plan = JSON.parse(planned.stdout) as { recommended: string | null };
    const seen: ProfileSpec[] = [];
    const register: Register = (program, rt) => {
      program.command('verify').argument('<plan>').action(async (path: string) => void (await verifyCommand(path, { quiet: true }, rt, passingTrials(seen))));
    };
    const rt = captureRuntime({ home: box.home, cwd: dir });
    expect(await runCli(['verify', 'plan.json'], rt, [register]), rt.err()).toBe(ExitCode.ok);
    const written = await readdir(join(dir, 'profiles', 'results'));
    const doc = Verification.parse(JSON.parse(readFileSync(join(dir, 'profiles', 'results', written[0]!), 'utf8')));
    return { doc, plan, seen, written };
  })();
  return verified;
}
