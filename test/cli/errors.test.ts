import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerProfileCommand } from '../../src/cli/profile.js';
import { ExitCode } from '../../src/util/errors.js';
import { MODEL_KINDS } from '../support/modelKinds.js';
import { profileDoc } from '../support/samples.js';
import { cliSandbox, type CliSandbox } from '../support/cliRuntime.js';
import { expectOneLineError } from '../support/oneLineError.js';

/**
 * Errors that point at the fix: one line on stderr, the hint naming what to type, the exit code.
 * Every case here fails before any model runs.
 */

let box: CliSandbox;
beforeAll(async () => {
  box = await cliSandbox([registerProfileCommand, registerPlanCommand]);
});
afterAll(async () => {
  await box.cleanup();
});

async function expectUserError(argv: string[], exitCode: number, line: RegExp | string): Promise<void> {
  const { code, stderr, stdout } = await box.run(argv);
  expect(code, stderr).toBe(exitCode);
  expect(stdout).toBe('');
  const error = expectOneLineError(stderr);
  if (typeof line === 'string') expect(error).toBe(line);
  else expect(error).toMatch(line);
}

describe('command line', () => {
  it('an unknown option: one line with the nearest flag, exit 2', async () => {
    await expectUserError(['profile', '--duraton', '3'], ExitCode.usage, "error: unknown option '--duraton' (did you mean --duration?)");
  });

  it('an unknown command: one line with the nearest command, exit 2', async () => {
    await expectUserError(['profle'], ExitCode.usage, "error: unknown command 'profle' (did you mean profile?)");
  });

  it('nothing near: the hint says where the usage is', async () => {
    await expectUserError(['profile', '--zzzzzz'], ExitCode.usage, "error: unknown option '--zzzzzz' (run with --help for usage)");
  });

  it('--version prints the package version and the commit (unknown when run from source), exit 0', async () => {
    const { code, stdout, stderr } = await box.run(['--version']);
    expect(code).toBe(ExitCode.ok);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)\n$/);
  });
});

describe('presets and YAML keys', () => {
  it('a misspelt preset: did you mean the nearest, exit 2', async () => {
    await expectUserError(['profile', '--model', 'tiny', '--preset', 'triton-dynamc'], ExitCode.usage, /^error: --preset: unknown preset 'triton-dynamc' \(did you mean triton-dynamic\? built-in presets: /);
  });

  it('every unknown key of a preset is named, each with the key it likely meant, exit 2', async () => {
    const path = join(box.dir, 'typos.yaml');
    await writeFile(path, 'engine:\n  instance: 2\nbatching:\n  policy: none\nmeasurment:\n  durationS: 3\n');
    await expectUserError(
      ['profile', '--model', 'tiny', '--preset', path],
      ExitCode.usage,
      `error: preset '${path}': engine.instance: unknown key (did you mean instances?); measurment: unknown key (did you mean measurement?) (fix the key in the preset file)`,
    );
  });
});

describe('plan inputs', () => {
  it('a traffic YAML with timezone: (meant timeZone:) names the typo, not a missing offPeakRps, exit 3', async () => {
    const doc = join(box.dir, 'cpu.json');
    await writeFile(doc, JSON.stringify(profileDoc({ name: 'cpu' })));
    const traffic = join(box.dir, 'traffic.yaml');
    await writeFile(traffic, 'peakRps: 50\ntimezone: Europe/Berlin\n');
    await expectUserError(['plan', doc, '--traffic', traffic, '--sla', 'p95<=400ms'], ExitCode.input, /^error: traffic '.*traffic\.yaml' is invalid: timezone: unknown key \(did you mean timeZone\?\) \(/);
  });

  it('an .onnx file given to plan: not a JSON document, no binary garbage, exit 3', async () => {
    const onnx = join(box.dir, 'model.onnx');
    await writeFile(onnx, MODEL_KINDS.logits());
    await expectUserError(['plan', onnx, '--peak-rps', '10', '--sla', 'p95<=400ms'], ExitCode.input, /is not a JSON document \(expected a profile or sweep document\)/);
  });
});

describe('plan: a measurement that cannot stand for its instance type', () => {
  async function cpuProfile(): Promise<string> {
    const doc = profileDoc({ name: 'cpu-run' });
    const path = join(box.dir, 'cpu-run.json');
    await writeFile(path, JSON.stringify({ ...doc, environment: { ...doc.environment, executionProvider: 'cpu', gpus: [], instanceType: 'g4dn.xlarge' } }));
    return path;
  }
  const CPU_AS_T4 = 'cpu-run: measured on the cpu execution provider, no GPU seen, priced as g4dn.xlarge (1x NVIDIA T4): CPU figures cannot stand for a GPU instance';

  it('a CPU-measured profile planned as g4dn.xlarge: planned, with the warning', async () => {
    const { code, stdout, stderr } = await box.run(['plan', await cpuProfile(), '--peak-rps', '10', '--sla', 'p95<=400ms']);
    expect(stderr).toBe('');
    expect(code).toBe(ExitCode.ok);
    expect(stdout).toContain(CPU_AS_T4);
  });

  it('--strict: exit 3, one line carrying the warning and the hint', async () => {
    await expectUserError(
      ['plan', await cpuProfile(), '--peak-rps', '10', '--sla', 'p95<=400ms', '--strict'],
      ExitCode.input,
      `error: --strict: ${CPU_AS_T4} (profile on the instance type you plan for, or pass the --instance-type it was measured on)`,
    );
  });
});

describe('plan: an instance type the catalog does not know', () => {
  it("a document recorded as 'g4dn.xlarg': exit 3, the field named, did you mean g4dn.xlarge", async () => {
    const doc = profileDoc({ name: 'typo' });
    const path = join(box.dir, 'typo.json');
    await writeFile(path, JSON.stringify({ ...doc, environment: { ...doc.environment, instanceType: 'g4dn.xlarg' } }));
    await expectUserError(
      ['plan', path, '--peak-rps', '10', '--sla', 'p95<=400ms'],
      ExitCode.input,
      /^error: profile '.*typo\.json' environment\.instanceType: unknown instance type 'g4dn\.xlarg' \(not in the price catalog\) \(did you mean g4dn\.xlarge/,
    );
  });

  it("--instance-type g4dn.xlarg on a document that records none: a flag's value, so exit 2 as in profile", async () => {
    const doc = profileDoc({ name: 'untyped' });
    const path = join(box.dir, 'untyped.json');
    const { instanceType: _recorded, ...environment } = doc.environment;
    await writeFile(path, JSON.stringify({ ...doc, environment }));
    await expectUserError(
      ['plan', path, '--peak-rps', '10', '--sla', 'p95<=400ms', '--instance-type', 'g4dn.xlarg'],
      ExitCode.usage,
      /^error: --instance-type: unknown instance type 'g4dn\.xlarg' \(not in the price catalog\) \(did you mean g4dn\.xlarge/,
    );
    await expectUserError(['profile', '--model', 'tiny', '--instance-type', 'g4dn.xlarg'], ExitCode.usage, /^error: --instance-type 'g4dn\.xlarg' is not in the price catalog/);
  });
});
