import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExamplesCommand } from '../../src/cli/examples.js';
import { registerPlanCommand } from '../../src/cli/plan.js';
import { registerRightsizeCommand } from '../../src/cli/rightsize.js';
import { InputError } from '../../src/util/errors.js';
import { builtinExamples, PACKAGE_ROOT, resolveInputPath } from '../../src/util/packagePaths.js';
import { runCapturedCli } from '../support/cliRuntime.js';
import { REPO_ROOT } from '../support/repoRoot.js';
import { makeTempDir } from '../support/tempDir.js';

describe('builtin:<name>', () => {
  let temp: { dir: string; remove: () => Promise<void> };
  beforeAll(async () => {
    temp = await makeTempDir('cp-builtin-');
  });
  afterAll(async () => temp.remove());

  it('names every shipped example, imported profiles first, found from the package, not the cwd', () => {
    expect(PACKAGE_ROOT).toBe(REPO_ROOT);
    expect(builtinExamples().map((e) => `${e.kind}: ${e.name}`)).toEqual([
      'imported profile: article-torchserve-g4dn',
      'imported profile: article-triton-g4dn',
      'example: batch-sweep-spec',
      'example: defect-classifier-fleet',
      'example: defect-classifier-metrics',
      'example: weekday-traffic',
    ]);
    expect(resolveInputPath('/somewhere/else', 'builtin:article-triton-g4dn')).toBe(join(REPO_ROOT, 'profiles', 'imported', 'article-triton-g4dn.json'));
    expect(resolveInputPath('/somewhere/else', 'results/x.json')).toBe('/somewhere/else/results/x.json');
  });

  it('an unknown name: an InputError with the nearest and the list', () => {
    expect(() => resolveInputPath('/', 'builtin:article-triton')).toThrow(InputError);
    expect(() => resolveInputPath('/', 'builtin:article-triton')).toThrow("no built-in example 'article-triton'");
  });

  it('plan and rightsize read built-ins from a folder outside the clone; the fleet finds the profile it names', async () => {
    const options = { home: join(temp.dir, 'home'), cwd: temp.dir };
    const plan = await runCapturedCli(['plan', 'builtin:article-triton-g4dn', '--sla', 'p95<=400ms', '--peak-rps', '60'], [registerPlanCommand], options);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    const rightsize = await runCapturedCli(['rightsize', '--fleet', 'builtin:defect-classifier-fleet', '--metrics-from', 'builtin:defect-classifier-metrics'], [registerRightsizeCommand], options);
    expect(rightsize.code).toBe(0);
    expect(rightsize.stdout).toContain('capacity 183 req/s per instance');
  });

  it('capacity-plan examples lists names, kinds and paths, and --json the same', async () => {
    const text = await runCapturedCli(['examples'], [registerExamplesCommand], { home: join(temp.dir, 'home'), cwd: temp.dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`article-triton-g4dn        imported profile  ${join(REPO_ROOT, 'profiles', 'imported', 'article-triton-g4dn.json')}`);
    expect(text.stdout).toContain(`docs: ${join(REPO_ROOT, 'docs')}`);
    const json = await runCapturedCli(['examples', '--json'], [registerExamplesCommand], { home: join(temp.dir, 'home'), cwd: temp.dir });
    expect(JSON.parse(json.stdout).examples).toHaveLength(6);
  });
});
