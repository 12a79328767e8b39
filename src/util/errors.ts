/**
 * The error hierarchy (after k6's errext): every user-facing failure is a CapacityPlanError with a
 * documented exit code and a hint. The CLI's top-level handler prints `error: <message> (<hint>)`
 * on one line and exits with `exitCode`; anything else is a bug and gets a stack trace.
 *
 * Exit codes (documented in README.md, keep in sync; each command's --help lists those it returns,
 * from the exit table beside its flag table, src/cli/exitCodes.ts):
 *   0  success
 *   1  internal error (a bug: please report it)
 *   2  usage: a bad flag, option value, preset or config key
 *   3  input: a model, image, profile, traffic or other input file is missing or invalid
 *   4  environment: something the host lacks (an execution provider, a GPU, credentials, network)
 *   5  measurement: the run finished but could not produce the figures asked for (e.g. SLA never met)
 *   6  remote: a remote service (AWS API, a target server) answered with an error
 *   130 interrupted (Ctrl-C)
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  environment: 4,
  measurement: 5,
  remote: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** The key of an exit code in ExitCode: 'usage', 'measurement', 'interrupted', 'internal', ... */
export type ExitCodeName = keyof typeof ExitCode;

export class CapacityPlanError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /** The one line the CLI prints. */
  oneLine(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

export class UsageError extends CapacityPlanError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.usage, hint);
  }
}

export class InputError extends CapacityPlanError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.input, hint);
  }
}

export class EnvironmentError extends CapacityPlanError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.environment, hint);
  }
}

export class MeasurementError extends CapacityPlanError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.measurement, hint);
  }
}

export class RemoteError extends CapacityPlanError {
  constructor(message: string, hint?: string) {
    super(message, ExitCode.remote, hint);
  }
}

export class InterruptedError extends CapacityPlanError {
  constructor(message = 'interrupted') {
    super(message, ExitCode.interrupted);
  }
}
