import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/util/errors.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { makeTempDir } from '../../test/support/tempDir.js';
import { readSynthInputs } from '../lib/context.js';
import { gpuHostSpec } from '../../src/batch/hosts.js';
import { FIXTURE_FLEET, FIXTURE_PLAN, readFixtureJson, type Json } from './helpers.js';

/** The synth-time inputs alone: no stacks, so no synthesis cost. */
function inputs(context: Record<string, unknown>) {
  return readSynthInputs(new App({ context }), REPO_ROOT);
}

function refusal(context: Record<string, unknown>): string {
  try {
    inputs(context);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const line = (error as InputError).oneLine();
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected a refusal');
}

let temp: { dir: string; remove: () => Promise<void> };
beforeAll(async () => {
  temp = await makeTempDir('cp-infra-context-');
});
afterAll(async () => temp.remove());

describe('synth inputs', () => {
  it("defaults the instance types to the plan's candidates, and the host to the recommended type", () => {
    const got = inputs({ plan: FIXTURE_PLAN, fleet: FIXTURE_FLEET });
    const plan = readFixtureJson(FIXTURE_PLAN);
    expect(got.hosts.map((h) => h.instanceType)).toEqual([...new Set(plan.candidates.map((c: Json) => c.instanceType))]);
    expect(got.profilingInstanceType).toBe(plan.candidates.find((c: Json) => c.id === plan.recommended).instanceType);
    expect(got.fleet?.capacity.id).toBe(plan.recommended);
  });

  it('takes -c instanceTypes as given', () => {
    expect(inputs({ instanceTypes: 'g5.xlarge, g6.xlarge' }).hosts.map((h) => h.instanceType)).toEqual(['g5.xlarge', 'g6.xlarge']);
  });

  it('refuses, in one line, a plan that recommends nothing', () => {
    const plan = { ...readFixtureJson(FIXTURE_PLAN), recommended: null, closest: { id: 'article-torchserve-g4dn', byMs: 240, byPct: 240 } };
    const path = join(temp.dir, 'no-recommendation.json');
    writeFileSync(path, JSON.stringify(plan));
    expect(refusal({ plan: path })).toMatch(/^-c plan: '.*no-recommendation\.json' recommends nothing \(no candidate meets p95<=100ms; closest: article-torchserve-g4dn/);
  });

  it('refuses, in one line, an invalid fleet file, naming the key', () => {
    const path = join(temp.dir, 'bad-fleet.yaml');
    writeFileSync(path, 'name: x\nregion: us-east-1\ninstanceType: g4dn.xlarge\nsla: fast\ncapacity: a.json\nsource: {kind: asg-alb}\n');
    expect(refusal({ plan: FIXTURE_PLAN, fleet: path })).toMatch(/^-c fleet: '.*bad-fleet\.yaml' is invalid: .*sla/);
  });

  it('refuses a fleet without a plan, an unknown type and a non-GPU type', () => {
    expect(refusal({ fleet: FIXTURE_FLEET })).toMatch(/-c fleet needs -c plan/);
    expect(refusal({ instanceTypes: 'g9.huge' })).toMatch(/'g9\.huge' is not in the embedded GPU catalog/);
    expect(refusal({ instanceTypes: 'inf2.xlarge' })).toMatch(/not an NVIDIA GPU/);
    expect(refusal({ plan: 'no/such/plan.json' })).toMatch(/-c plan: cannot read .* \(no such file\)/);
  });

  it('sizes whole-host jobs at 95% of the catalog memory', () => {
    const spec = gpuHostSpec('g5.xlarge');
    expect(spec.jobMemoryMiB).toBe(Math.floor(spec.memoryMiB * 0.95));
    expect(spec.gpus).toBe(1);
  });
});
