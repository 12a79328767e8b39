/** Which command the spec flags are for: each reads the load and the duration its own way. */
export type SpecFlagUse = 'profile' | 'agent' | 'sweep' | 'whatif';

export type HelpOverride = { help: string; defaultHelp?: string } | 'omit';

/**
 * Where a capacity search reads a flag differently from `profile`: the load is its rps search's
 * arrivals (a closed-loop spec gets Poisson), --duration bounds each run. `whatif` takes its first
 * rate from --start-rps or the profile, so --rps and --concurrency do nothing there: not offered.
 */
const SEARCH_HELP: Partial<Record<string, HelpOverride>> = {
  load: { help: 'arrivals of the rps capacity search: poisson or constant-rate (a closed-loop spec gets Poisson arrivals)', defaultHelp: 'poisson' },
  duration: { help: 'bound on each run, warm-up included, in seconds' },
};
export const SPEC_FLAG_OVERRIDES: Record<SpecFlagUse, Partial<Record<string, HelpOverride>>> = {
  profile: {},
  agent: {},
  sweep: {
    ...SEARCH_HELP,
    load: { help: 'arrivals of the rps capacity search: poisson or constant-rate (a closed-loop spec gets Poisson arrivals); closed-loop with --vary concurrency=...', defaultHelp: 'poisson' },
    concurrency: { help: 'with --vary concurrency=auto: the first concurrency of the search', defaultHelp: '1' },
    rps: { help: 'the first rate of the rps capacity search', defaultHelp: "a one-client probe's throughput" },
  },
  whatif: { ...SEARCH_HELP, concurrency: 'omit', rps: 'omit' },
};
