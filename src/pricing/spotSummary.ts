import type { SpotStats } from '../schema/purchasePrices.js';

export interface SpotPoint {
  availabilityZone: string;
  usdPerHour: number;
  /** When the price took effect (DescribeSpotPriceHistory gives changes, not samples). */
  timeMs: number;
}

/**
 * Pure: per availability zone, the time-weighted mean of a step function (each price holds from its
 * timestamp until the next change) over [fromMs, toMs], with the minimum and maximum of the prices
 * in effect during the window. Overall: the mean of the zones' means (a fleet spreads over zones),
 * the lowest minimum and the highest maximum. A zone whose prices all lie outside the window is
 * left out; no zone at all gives undefined.
 */
export function summariseSpot(points: readonly SpotPoint[], fromMs: number, toMs: number): { overall: SpotStats; byAvailabilityZone: Record<string, SpotStats> } | undefined {
  const byZone = new Map<string, SpotPoint[]>();
  for (const p of points) byZone.set(p.availabilityZone, [...(byZone.get(p.availabilityZone) ?? []), p]);
  const byAvailabilityZone: Record<string, SpotStats> = {};
  for (const [zone, zonePoints] of [...byZone].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...zonePoints].sort((a, b) => a.timeMs - b.timeMs);
    let weighted = 0;
    let covered = 0;
    let min = Infinity;
    let max = -Infinity;
    sorted.forEach((p, i) => {
      const start = Math.max(p.timeMs, fromMs);
      const end = Math.min(sorted[i + 1]?.timeMs ?? toMs, toMs);
      if (end < start || (end === start && sorted.length > 1)) return;
      weighted += p.usdPerHour * (end - start);
      covered += end - start;
      min = Math.min(min, p.usdPerHour);
      max = Math.max(max, p.usdPerHour);
    });
    if (min === Infinity) continue;
    byAvailabilityZone[zone] = { meanUsdPerHour: covered > 0 ? weighted / covered : min, minUsdPerHour: min, maxUsdPerHour: max };
  }
  const zones = Object.values(byAvailabilityZone);
  if (zones.length === 0) return undefined;
  return {
    overall: {
      meanUsdPerHour: zones.reduce((s, z) => s + z.meanUsdPerHour, 0) / zones.length,
      minUsdPerHour: Math.min(...zones.map((z) => z.minUsdPerHour)),
      maxUsdPerHour: Math.max(...zones.map((z) => z.maxUsdPerHour)),
    },
    byAvailabilityZone,
  };
}
