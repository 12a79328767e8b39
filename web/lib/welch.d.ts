// Types of welch.js for the TypeScript side (src/util/stats/welch.ts imports it; the build does not
// compile JavaScript).
export interface WelchTest {
  t: number;
  df: number;
  p: number;
  se?: number;
}
export function mean(xs: readonly number[]): number;
export function variance(xs: readonly number[]): number;
export function welchTest(a: readonly number[], b: readonly number[]): WelchTest | null;
export function criticalT(df: number, alpha?: number): number;
export function studentTwoSidedP(t: number, df: number): number;
export function logGamma(x: number): number;
export function incompleteBeta(x: number, a: number, b: number): number;
export interface NoiseVerdict {
  significant: boolean;
  winner: string | null;
  test: WelchTest | null;
  deltaPct: number | null;
  ciPct?: number | null;
  text: string;
}
export function noiseVerdict(
  a: readonly number[],
  b: readonly number[],
  options?: { alpha?: number; minPct?: number; higherIsBetter?: boolean; names?: readonly [string, string] },
): NoiseVerdict;
export function formatP(p: number): string;
