import { describe, expect, it } from 'vitest';
import { candidatesFromDocument, modelLabel } from '../../src/plan/candidates.js';
import { namesModel, provenanceMismatches } from '../../src/plan/provenance.js';
import { snapshotCatalog } from '../../src/pricing/catalog.js';
import { PriceBook } from '../../src/pricing/priceBook.js';
import { ProfileResult } from '../../src/schema/profileResult.js';
import { UsageError } from '../../src/util/errors.js';
import { profileDoc } from '../support/samples.js';

const book = new PriceBook(snapshotCatalog());
const g4dn = book.instance('g4dn.xlarge');

function candidate(environment: Partial<ProfileResult['environment']>) {
  const base = profileDoc({ name: 'cpu-run' });
  const doc = ProfileResult.parse({ ...base, environment: { ...base.environment, ...environment }, model: undefined });
  return candidatesFromDocument({ kind: 'profile-result', path: 'cpu-run.json', doc })[0]!;
}

describe('can the figures stand for the instance type they are priced as?', () => {
  it('a CPU measurement priced as g4dn.xlarge cannot', () => {
    const c = candidate({ executionProvider: 'cpu', gpus: [], instanceType: 'g4dn.xlarge' });
    expect(provenanceMismatches(c.id, c.measuredOn, c.instanceType, g4dn)).toEqual([
      'cpu-run: measured on the cpu execution provider, no GPU seen, priced as g4dn.xlarge (1x NVIDIA T4): CPU figures cannot stand for a GPU instance',
    ]);
  });

  it('an A10G measurement priced as a T4 instance cannot; a T4 one can', () => {
    const a10g = candidate({ executionProvider: 'cuda', gpus: [{ name: 'NVIDIA A10G' }] });
    expect(provenanceMismatches(a10g.id, a10g.measuredOn, 'g4dn.xlarge', g4dn)).toEqual([
      'cpu-run: measured on the cuda execution provider, 1x NVIDIA A10G, priced as g4dn.xlarge (1x NVIDIA T4): a different GPU model',
    ]);
    const t4 = candidate({ executionProvider: 'cuda', gpus: [{ name: 'Tesla T4' }] });
    expect(provenanceMismatches(t4.id, t4.measuredOn, 'g4dn.xlarge', g4dn)).toEqual([]);
  });

  it('GPU names match the catalog model as a whole word', () => {
    expect(namesModel('Tesla T4', 'T4')).toBe(true);
    expect(namesModel('NVIDIA L40S', 'L4')).toBe(false);
    expect(namesModel('NVIDIA A100-SXM4-40GB', 'A100')).toBe(true);
  });

  it('imported figures and unknown instance types are not judged here', () => {
    expect(provenanceMismatches('x', null, 'g4dn.xlarge', g4dn)).toEqual([]);
    expect(provenanceMismatches('x', { gpus: [] }, 'nope', undefined)).toEqual([]);
  });

  it('candidates carry the model name: the built-in name or the .onnx file name', () => {
    expect(modelLabel('/models/text-detector.onnx')).toBe('text-detector');
    expect(modelLabel('resnet50')).toBe('resnet50');
    const base = profileDoc({ name: 'p' });
    const doc = ProfileResult.parse({ ...base, spec: undefined, model: { source: '/m/det.onnx', inputName: 'x', inputShape: [], inputType: 'float32', outputName: 'y', outputShape: [] } });
    expect(candidatesFromDocument({ kind: 'profile-result', path: 'p.json', doc })[0]!.model).toBe('det');
  });
});

describe('instance types are checked against the catalog with the nearest names', () => {
  it("'g4dn.xlarg' → a UsageError naming the flag, did you mean g4dn.xlarge", () => {
    let error: unknown;
    try {
      book.requireInstanceType('g4dn.xlarg', '--instance-type');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).oneLine()).toMatch(/^--instance-type 'g4dn\.xlarg' is not in the price catalog \(did you mean g4dn\.xlarge[ ,?]/);
    expect(() => book.requireInstanceType('g4dn.xlarge', '--instance-type')).not.toThrow();
  });
});
