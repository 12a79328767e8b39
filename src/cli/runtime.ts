import type { AppRuntime } from '../app/runtime.js';
import { defaultHome } from '../util/home.js';

/**
 * What a command may touch of the outside world: the use-cases' runtime and the terminal.
 * main.ts builds the real one; tests build their own (captured output, a temp home, a fixed clock).
 */
export interface Runtime extends AppRuntime {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
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
