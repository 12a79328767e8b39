import { describe, expect, it } from 'vitest';
import { resolveRegion } from '../../src/cli/regionFlag.js';

describe('resolveRegion', () => {
  it.each([
    ['the flag wins', 'eu-west-1', { AWS_REGION: 'ap-south-1' }, { region: 'eu-west-1', from: '--region' }],
    ['then $AWS_REGION', undefined, { AWS_REGION: 'ap-south-1' }, { region: 'ap-south-1', from: 'AWS_REGION' }],
    ['an empty $AWS_REGION is unset', undefined, { AWS_REGION: '' }, { region: 'us-east-1', from: '--region' }],
    ['else us-east-1', undefined, {}, { region: 'us-east-1', from: '--region' }],
  ])('%s', (_what, flag, env, expected) => {
    expect(resolveRegion(flag, env)).toEqual(expected);
  });
});
