import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestNames } from '../../src/util/didYouMean.js';

describe('did you mean', () => {
  it('edit distance counts insertions, deletions, substitutions and neighbour swaps; ignores case', () => {
    expect(editDistance('g4dn.xlarg', 'g4dn.xlarge')).toBe(1);
    expect(editDistance('timezone', 'timeZone')).toBe(0);
    expect(editDistance('tritno', 'triton')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('names the nearest candidates, nearest first, and nothing when nothing is near', () => {
    expect(nearestNames('g4dn.xlarg', ['g5.xlarge', 'g4dn.xlarge', 'g4dn.2xlarge'])).toEqual(['g4dn.xlarge', 'g4dn.2xlarge']);
    expect(didYouMean('timezone', ['offPeakRps', 'timeZone'])).toBe('did you mean timeZone?');
    expect(didYouMean('g4dn.xlarg', ['g4dn.xlarge', 'g4dn.2xlarge'])).toBe('did you mean g4dn.xlarge or g4dn.2xlarge?');
    expect(didYouMean('zzz', ['triton', 'torchserve'])).toBeUndefined();
    expect(didYouMean('peak', ['offPeakRps', 'peakRps'])).toBe('did you mean peakRps?');
  });
});
