import { defaultHome } from '../util/home.js';

/**
 * What a command may touch of the outside world. main.ts builds the real one; tests build their
 * own (captured output, a temp home, a fixed clock).
 */
export interface Runtime {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** $CAPACITY_PLAN_HOME, default ~/.capacity-plan: model cache, image corpus, price cache. */
  home: string;
  now: () => Date;
  /** Aborted on SIGINT/SIGTERM: long runs stop and clean up. */
  signal: AbortSignal;
}

export function processRuntime(signal: AbortSignal): Runtime {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    home: defaultHome(process.env),
    now: () => new Date(),
    signal,
  };
}
