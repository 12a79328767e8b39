/**
 * The cheapest commitment for a known week of instance demand. Pure.
 *
 * d_h = instances needed in hour h (h = 1..H, H = 168), assumed to repeat for the whole term;
 * p = On-Demand $/instance-hour; c = the committed effective rate (an RI's, or a Savings Plan's
 * rate for this type), billed every hour whether used or not. Committing k instances costs a week
 *   C(k) = H·k·c + Σ_h a·max(d_h − k, 0)
 * where a is what runs above the commitment costs (p On-Demand). Write the sum level by level:
 * level j (the j-th instance) is needed in N(j) = #{h : d_h ≥ j} hours, so
 *   C(k) = Σ_{j ≤ k} H·c + Σ_{j > k} N(j)·a_j.
 * Each level is independent: committing it costs H·c, leaving it costs N(j)·a_j. N falls as j
 * rises (and a_j only falls too, see Spot below), so the levels worth committing are a prefix:
 *   commit level j exactly while N(j)/H > c / a_j   (for On-Demand: the discount ratio c/p),
 * i.e. commit up to the (1 − c/p) quantile of hourly demand. A tie (N(j)·a_j = H·c) saves nothing
 * and is not committed. Mixing commitment options never beats the cheapest rate here, since every
 * level would pick the lowest c; scope (a Compute SP also covering other families) is not modelled.
 *
 * Spot: with a Spot price s < p, the levels above the floor run on Spot instead of On-Demand
 * (a_j = s for j > floor), so fewer levels are worth committing. The floor (the week's lowest
 * demand: what the service needs every hour) never runs on Spot: an interruption there is an
 * outage, not a slower peak.
 */
export interface CommitmentInput {
  /** Instances needed per hour (H = its length). */
  instances: readonly number[];
  onDemandUsdPerHour: number;
  /** Effective committed $/instance-hour; undefined: On-Demand only. */
  committedUsdPerHour?: number;
  /** Spot above the floor, when wanted and priced. */
  spot?: { usdPerHour: number; floorInstances: number };
}

export interface CommitmentMix {
  committedInstances: number;
  /** committedInstances × committed rate: what a Savings Plan's commitment is stated in. */
  commitmentUsdPerHour: number;
  /** Per hour: committed instances in use, On-Demand and Spot instances. */
  hourly: { committed: number[]; onDemand: number[]; spot: number[] };
  /** Most On-Demand / Spot instances in any hour. */
  peakOnDemandInstances: number;
  peakSpotInstances: number;
  /** Over the H hours: the commitment (used or not), On-Demand and Spot. */
  weekUsd: { committed: number; onDemand: number; spot: number; total: number };
  /** N(j) for j = 1..max demand: hours each level is needed, for --explain. */
  hoursNeeded: number[];
}

/** N(j) = #{h : d_h ≥ j}, j = 1..max(d). */
export function hoursNeededByLevel(instances: readonly number[]): number[] {
  // Count hours at each demand, then sum from the top: O(H + max), not O(H x max) (a year is 8760 h).
  let max = 0;
  for (const d of instances) if (d > max) max = d;
  const atLevel = new Array<number>(max + 1).fill(0);
  for (const d of instances) if (d > 0) atLevel[d]! += 1;
  const N = new Array<number>(max).fill(0);
  let above = 0;
  for (let j = max; j >= 1; j--) {
    above += atLevel[j]!;
    N[j - 1] = above;
  }
  return N;
}

/** The exact optimal mix (see the derivation above); On-Demand only without a committed rate. */
export function optimalCommitment(input: CommitmentInput): CommitmentMix {
  const H = input.instances.length;
  if (H === 0) throw new Error('no hours of demand');
  const p = input.onDemandUsdPerHour;
  const c = input.committedUsdPerHour;
  const spot = input.spot && input.spot.usdPerHour < p ? input.spot : undefined;
  const floor = spot ? spot.floorInstances : Infinity;
  const N = hoursNeededByLevel(input.instances);
  let k = 0;
  if (c !== undefined) {
    while (k < N.length) {
      const j = k + 1;
      const alternative = j > floor ? spot!.usdPerHour : p;
      if (N[k]! * alternative <= H * c) break;
      k = j;
    }
  }
  const committed = input.instances.map((d) => Math.min(d, k));
  const onDemand = input.instances.map((d) => Math.max(0, Math.min(d, floor) - k));
  const spotHours = input.instances.map((d) => (spot ? Math.max(0, d - Math.max(k, floor)) : 0));
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const week = {
    committed: H * k * (c ?? 0),
    onDemand: sum(onDemand) * p,
    spot: sum(spotHours) * (spot?.usdPerHour ?? 0),
    total: 0,
  };
  week.total = week.committed + week.onDemand + week.spot;
  return {
    committedInstances: k,
    commitmentUsdPerHour: k * (c ?? 0),
    hourly: { committed, onDemand, spot: spotHours },
    peakOnDemandInstances: Math.max(0, ...onDemand),
    peakSpotInstances: Math.max(0, ...spotHours),
    weekUsd: week,
    hoursNeeded: N,
  };
}
