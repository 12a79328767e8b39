/** Money is computed unrounded and rounded only where it is written out. */
export function roundCents(usd: number): number {
  return Math.round(usd * 100) / 100;
}

export function roundTo(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** $1,234.56 */
export function formatUsd(usd: number): string {
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
