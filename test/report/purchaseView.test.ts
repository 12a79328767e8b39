import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { purchaseView, splitHour } from '../../web/lib/purchaseView.js';

const doc = JSON.parse(readFileSync('test/fixtures/report-purchase/weekday-purchase-plan.json', 'utf8'));

describe('purchaseView', () => {
  it('splits each hour as the optimiser does: committed up to k, On-Demand to the floor, Spot above', () => {
    // k = 2, floor 2: 5 instances -> 2 committed, 0 On-Demand, 3 Spot; without Spot -> 3 On-Demand.
    expect(splitHour(5, 2, 2)).toEqual({ committed: 2, idle: 0, onDemand: 0, spot: 3 });
    expect(splitHour(5, 2, null)).toEqual({ committed: 2, idle: 0, onDemand: 3, spot: 0 });
    // No commitment, floor 2: the floor On-Demand, the rest Spot; a commitment above demand idles.
    expect(splitHour(5, 0, 2)).toEqual({ committed: 0, idle: 0, onDemand: 2, spot: 3 });
    expect(splitHour(1, 3, null)).toEqual({ committed: 1, idle: 2, onDemand: 0, spot: 0 });
  });

  it('draws the best mix of the weekday plan and tables every option, no price included', () => {
    const vm = purchaseView(doc)!;
    expect(vm.sentence).toContain('buy 2 g4dn.xlarge 3-year all-upfront standard Reserved Instances');
    const hourly = doc.candidates[0].hourly.instances as number[];
    const [committed, idle, onDemand, spot] = vm.chart!.datasets;
    expect(committed!.data).toEqual(hourly.map((d, h) => ({ x: h, y: Math.min(d, 2) })));
    expect(idle!.data.every((p) => (p as { y: number }).y === 0)).toBe(true);
    expect(onDemand!.data.every((p) => (p as { y: number }).y === 0)).toBe(true);
    expect(spot!.data).toEqual(hourly.map((d, h) => ({ x: h, y: d - 2 })));
    const rows = vm.options.rows;
    expect(rows[0]).toEqual(['On-Demand only', '0.526', '0', '–', '$1,110.80', '–', '']);
    expect(rows.find((r) => r[0] === 'ri-standard-3yr-all-upfront (best)')?.slice(1, 6)).toEqual(['0.197793', '2', '$0.3956/h', '$403.88', '−63.6%']);
    expect(rows.find((r) => r[0] === 'sp-compute-1yr-no-upfront')?.[1]).toBe('no price');
  });

  it('is null for plans without purchase figures', () => {
    expect(purchaseView(JSON.parse(readFileSync('test/fixtures/report/business-hours-plan.json', 'utf8')))).toBeNull();
  });
});
