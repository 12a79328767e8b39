/**
 * Instances needed for a demand: ceil(demand / capacity per instance), at least `minInstances`.
 * The relative slack keeps a demand that is an exact multiple of capacity (3 x 0.1 over 0.1
 * = 3.0000000000000004) from rounding up to an extra instance through floating-point noise.
 */
export function instancesFor(demandRps: number, perInstanceRps: number, minInstances: number): number {
  return Math.max(minInstances, Math.ceil((demandRps / perInstanceRps) * (1 - 1e-12)));
}

export interface Schedule {
  /** Instances for the highest-demand hour: the static fleet. */
  peakInstances: number;
  peakDemandRps: number;
  min: number;
  max: number;
  /** Sum of instances over all hours: instance-hours for the span. */
  instanceHours: number;
  hours: number;
}

/** Hour-by-hour instances for scheduled scaling, summarised (no per-hour array: a year is 8760 hours). */
export function scheduleFor(demandRps: ArrayLike<number>, perInstanceRps: number, minInstances: number): Schedule {
  let peakDemandRps = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let instanceHours = 0;
  for (let h = 0; h < demandRps.length; h++) {
    const demand = demandRps[h]!;
    const n = instancesFor(demand, perInstanceRps, minInstances);
    if (demand > peakDemandRps) peakDemandRps = demand;
    if (n < min) min = n;
    if (n > max) max = n;
    instanceHours += n;
  }
  return { peakInstances: max, peakDemandRps, min, max, instanceHours, hours: demandRps.length };
}
