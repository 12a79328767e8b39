/**
 * What a use-case may touch of the outside world: the environment, the working folder, the
 * product's home, the clock and the stop signal. Front ends build it (the CLI's Runtime adds its
 * stdout and stderr; tests pass a temp home and a fixed clock). Progress is not written here: a
 * use-case publishes events on the bus it is given, and each front end renders them its own way.
 */
export interface AppRuntime {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** $CAPACITY_PLAN_HOME, default ~/.capacity-plan: model cache, image corpus, price cache. */
  home: string;
  now: () => Date;
  /** Aborted on SIGINT/SIGTERM: long runs stop and clean up. */
  signal: AbortSignal;
}
