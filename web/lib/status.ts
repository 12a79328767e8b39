import type { VerdictStatus } from './types.js';

/**
 * The one rule for a banner's mark, on every page: a success mark only on a result that is decided,
 * stable and free of warnings; anything else leads with its caveat. Pure, so a test can hold every
 * page to it.
 */
export interface BannerFacts {
  /** The question has an answer (an SLA met or missed, a winner or a measured tie, a recommendation). */
  decided: boolean;
  /** Every measurement it rests on stabilised. */
  stable: boolean;
  /** Warnings a reader must see (unfair comparison, CPU figures for a GPU, failed requests...). */
  warnings: number;
}

export function bannerStatus(f: BannerFacts): VerdictStatus {
  if (!f.decided) return 'insufficient';
  return f.stable && f.warnings === 0 ? 'ok' : 'warn';
}

/** The mark and the word that lead the banner: never a bare symbol, and ✓ only for `ok`. */
export function statusMark(status: VerdictStatus): string {
  switch (status) {
    case 'ok':
      return '✓';
    case 'warn':
      return '⚠ Read with care:';
    case 'insufficient':
      return '⚠ Undecided:';
  }
}
