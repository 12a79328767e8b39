import { exponential, seededRandom } from '../../../src/util/random.js';

/**
 * An M/M/1 queue's sojourn times, in arrival order (Lindley's recursion), started from its
 * stationary state so a run has no warm-up bias. Its sojourn time is Exp(μ − λ), so the share over
 * a bound b is exactly exp(−(μ − λ)·b) and the p-quantile −ln(1 − p)/(μ − λ): a latency stream with
 * a known answer and the autocorrelation of a real queue.
 */
export function mm1Sojourns(arrivalRate: number, serviceRate: number, n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const rho = arrivalRate / serviceRate;
  // Stationary waiting time: 0 with probability 1 − ρ, else Exp(μ − λ).
  let wait = random() < rho ? exponential(random, serviceRate - arrivalRate) : 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const service = exponential(random, serviceRate);
    out.push(wait + service);
    wait = Math.max(0, wait + service - exponential(random, arrivalRate));
  }
  return out;
}

export function mm1ShareOver(arrivalRate: number, serviceRate: number, bound: number): number {
  return Math.exp(-(serviceRate - arrivalRate) * bound);
}
