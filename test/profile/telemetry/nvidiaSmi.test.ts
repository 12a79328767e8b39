import { describe, expect, it } from 'vitest';
import { NVIDIA_SMI_QUERY_FIELDS, nvidiaSmiArgs, parseNvidiaSmiLine } from '../../../src/profile/telemetry/nvidiaSmi.js';
import { readFixtureLines } from './fakeNvidiaSmi.js';

describe('nvidiaSmiArgs', () => {
  it('asks for the fields in parse order, CSV without header or units, looping every intervalMs', () => {
    expect(nvidiaSmiArgs(1000)).toEqual([
      '--query-gpu=timestamp,index,name,utilization.gpu,memory.used,memory.total,power.draw,clocks.sm,driver_version',
      '--format=csv,noheader,nounits',
      '-lms',
      '1000',
    ]);
    expect(nvidiaSmiArgs(250.4).at(-1)).toBe('250');
    expect(NVIDIA_SMI_QUERY_FIELDS).toHaveLength(9);
  });
});

describe('parseNvidiaSmiLine', () => {
  it('parses a g4dn T4 line', () => {
    expect(parseNvidiaSmiLine('2024/05/14 10:21:34.124, 0, Tesla T4, 0, 1203, 15360, 27.34, 1590, 535.183.01')).toEqual({
      index: 0,
      name: 'Tesla T4',
      utilPct: 0,
      memoryUsedMiB: 1203,
      memoryTotalMiB: 15360,
      powerW: 27.34,
      smClockMHz: 1590,
      driverVersion: '535.183.01',
      gpuLost: false,
    });
  });

  it('parses every line of the T4 recording', async () => {
    const readings = (await readFixtureLines('t4-g4dn-xlarge.csv')).map(parseNvidiaSmiLine);
    expect(readings.map((reading) => reading?.utilPct)).toEqual([0, 0, 64, 87, 91]);
    expect(readings.map((reading) => reading?.powerW)).toEqual([11.32, 27.34, 48.71, 62.09, 69.8]);
    expect(readings.map((reading) => reading?.smClockMHz)).toEqual([300, 1590, 1590, 1590, 1530]);
  });

  it('parses an eight-GPU H100 recording with indexes 0..7 and 700 W class power', async () => {
    const readings = (await readFixtureLines('h100-p5-48xlarge.csv')).map(parseNvidiaSmiLine);
    expect(readings).toHaveLength(24);
    expect(readings.every((reading) => reading !== null)).toBe(true);
    expect(readings.map((reading) => reading?.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(readings[15]).toEqual({
      index: 7,
      name: 'NVIDIA H100 80GB HBM3',
      utilPct: 99,
      memoryUsedMiB: 20417,
      memoryTotalMiB: 81559,
      powerW: 699.12,
      smClockMHz: 1950,
      driverVersion: '550.90.07',
      gpuLost: false,
    });
  });

  it('leaves [N/A], [Not Supported] and [Unknown Error] fields absent rather than zero', async () => {
    const [mig, a10g, t4] = (await readFixtureLines('na-fields.csv')).map(parseNvidiaSmiLine);
    expect(mig).toEqual({
      index: 0,
      name: 'NVIDIA A100-SXM4-40GB',
      memoryUsedMiB: 3379,
      memoryTotalMiB: 40960,
      powerW: 61.2,
      smClockMHz: 1410,
      driverVersion: '535.183.01',
      gpuLost: false,
    });
    expect(a10g).toEqual({
      index: 1,
      name: 'NVIDIA A10G',
      utilPct: 42,
      memoryUsedMiB: 8113,
      memoryTotalMiB: 23028,
      driverVersion: '535.183.01',
      gpuLost: false,
    });
    expect(t4).toEqual({ index: 2, name: 'Tesla T4', utilPct: 12, memoryUsedMiB: 600, memoryTotalMiB: 15360, smClockMHz: 1590, gpuLost: false });
  });

  it('marks a GPU that fell off the bus as lost, with no figures', async () => {
    const lines = await readFixtureLines('gpu-lost-g4dn-12xlarge.csv');
    const readings = lines.map(parseNvidiaSmiLine);
    expect(readings.map((reading) => reading?.gpuLost)).toEqual([false, false, false, false, false, false, true, false]);
    expect(readings[6]).toEqual({ index: 2, name: 'unknown GPU', gpuLost: true });
    // A lost GPU that still tells its name keeps it.
    expect(
      parseNvidiaSmiLine('2024/05/20 14:02:06.318, 1, Tesla T4, [GPU is lost], [GPU is lost], 15360, [GPU is lost], [GPU is lost], 535.183.01'),
    ).toEqual({ index: 1, name: 'Tesla T4', memoryTotalMiB: 15360, driverVersion: '535.183.01', gpuLost: true });
  });

  it('returns null for lines that are not query lines', async () => {
    const lines = await readFixtureLines('malformed.txt');
    expect(lines).toHaveLength(6);
    expect(lines.map(parseNvidiaSmiLine)).toEqual([null, null, null, null, null, null]);
    expect(parseNvidiaSmiLine('')).toBeNull();
    // Without a marker, an empty name is not a reading.
    expect(parseNvidiaSmiLine('2024/05/14 10:21:33.123, 0, , 0, 0, 15360, 11.32, 300, 535.183.01')).toBeNull();
  });

  it('accepts surrounding whitespace and a Windows line end', () => {
    expect(parseNvidiaSmiLine('  2024/05/14 10:21:33.123, 3, Tesla T4, 5, 10, 15360, 9.5, 300, 535.183.01\r')?.index).toBe(3);
  });
});
