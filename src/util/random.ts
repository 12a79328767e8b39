/**
 * Seeded PRNG (mulberry32): small, fast and identical on every platform, so a seed gives the same
 * synthetic images, Poisson schedules and model weights everywhere.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate (Box–Muller) from a uniform source. */
export function normal(random: Random): number {
  let u = 0;
  while (u === 0) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Exponential deviate with the given rate (events per unit). */
export function exponential(random: Random, rate: number): number {
  let u = 0;
  while (u === 0) u = random();
  return -Math.log(u) / rate;
}
