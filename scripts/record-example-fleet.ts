/**
 * Writes profiles/examples/defect-classifier-metrics.json: a seeded synthetic recording of the
 * example fleet (profiles/examples/defect-classifier-fleet.yaml), in the format `rightsize
 * --record` writes, so `rightsize --metrics-from` can be tried without AWS. One week of 1-minute
 * data keeps it well under 1 MB and still fills every hour of the week.
 *
 *   npx tsx scripts/record-example-fleet.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { syntheticRecording } from '../src/rightsize/syntheticFleet.js';
import { Fleet } from '../src/schema/fleet.js';

const fleet = Fleet.parse(parseYaml(readFileSync(new URL('../profiles/examples/defect-classifier-fleet.yaml', import.meta.url), 'utf8')));
const recording = syntheticRecording(
  {
    fleet,
    startEpochS: Date.UTC(2026, 10, 16) / 1000,
    days: 7,
    seed: 20261116,
    peakRps: 95,
    offPeakRps: 30,
    noise: 0.15,
    instances: 4,
    latencyMs: { peak: 61, offPeak: 47 },
    gpuUtilPct: { peak: 12, offPeak: 4 },
    gpuMemoryUsedMiB: 9011,
    gpuMemoryTotalMiB: 15360,
  },
  '2026-11-23T00:00:00.000Z',
);
const path = new URL('../profiles/examples/defect-classifier-metrics.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(recording)}\n`);
process.stdout.write(`wrote ${path.pathname}\n`);
