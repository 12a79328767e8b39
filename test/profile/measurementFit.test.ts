import { describe, expect, it } from 'vitest';
import { fitMeasurementToDuration, type MeasurementInput } from '../../src/profile/measurementFit.js';

describe('fitMeasurementToDuration', () => {
  const cases: [string, MeasurementInput, number, { warmupS?: boolean; windowS?: boolean }, { warmupS?: number; windowS?: number }][] = [
    ['a long run gets the default lengths', {}, 30, {}, { warmupS: 2, windowS: 2 }],
    ['a short run scales both down', {}, 5, {}, { warmupS: 1, windowS: 1.2 }],
    ['a very short run keeps a 0.1 s floor on the window', {}, 0.3, {}, { warmupS: 0.06, windowS: 0.1 }],
    ['lengths that already fit are kept', { warmupS: 1, windowS: 1 }, 10, {}, { warmupS: 1, windowS: 1 }],
    ['a preset window too long for the run shrinks', { warmupS: 1, windowS: 5 }, 10, {}, { warmupS: 1, windowS: 2 }],
    ['a pinned warm-up is kept and the window fits around it', { warmupS: 3 }, 6, { warmupS: true }, { warmupS: 3, windowS: 0.9 }],
    ['a pinned window is kept even when it does not fit', { windowS: 4 }, 5, { windowS: true }, { warmupS: 1, windowS: 4 }],
    ['five stable windows get shorter windows', { stableWindows: 5 }, 6, {}, { warmupS: 1.2, windowS: 0.86 }],
    ['a warm-up that leaves room for three windows is kept', { warmupS: 2 }, 9, {}, { warmupS: 2, windowS: 2 }],
    ['a warm-up that leaves no room for three windows shrinks', { warmupS: 2 }, 7, {}, { warmupS: 1.4, windowS: 1.68 }],
    ['a warm-up that leaves room for two stable windows is kept', { warmupS: 2, stableWindows: 2 }, 7, {}, { warmupS: 2, windowS: 2 }],
    ['the warm-up check counts the stable windows', { warmupS: 2, stableWindows: 5 }, 11, {}, { warmupS: 2, windowS: 1.62 }],
  ];

  it.each(cases)('%s', (_what, measurement, durationS, pinned, expected) => {
    const fitted = fitMeasurementToDuration(measurement, durationS, pinned);
    expect(fitted).toMatchObject({ ...measurement, durationS, ...expected });
  });
});
