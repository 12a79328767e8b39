import type { RunEvent, RunEventListener } from '../profile/events.js';
import type { Runtime } from './runtime.js';

/**
 * Progress on stderr (results go to stdout). On a terminal, one line redrawn in place; otherwise
 * one line per phase and window, so logs stay readable. Subscribe it to the run's event bus.
 */
export function progressReporter(rt: Runtime, label: string, quiet = false): RunEventListener {
  if (quiet) return () => {};
  const tty = Boolean(rt.stderr.isTTY);
  const width = 24;
  let lastLine = '';
  const draw = (line: string): void => {
    if (tty) {
      rt.stderr.write(`\r${line.padEnd(lastLine.length)}`);
      lastLine = line;
    } else {
      rt.stderr.write(`${line}\n`);
    }
  };
  return (event) => {
    switch (event.type) {
      case 'phase':
        if (event.phase === 'done') {
          if (tty && lastLine) rt.stderr.write('\n');
          return;
        }
        draw(`[${label}] ${event.message}`);
        return;
      case 'window': {
        const w = event.window;
        draw(
          `[${label}] window ${w.index + 1}: ${w.throughputRps.toFixed(1)} req/s, p95 ${w.latency.p95Ms.toFixed(1)} ms` +
            (w.failed ? `, ${w.failed} failed` : '') +
            (event.stable ? ' (stable)' : ''),
        );
        return;
      }
      case 'progress': {
        if (!tty) return;
        const fraction = Math.min(1, event.elapsedMs / event.totalMs);
        const filled = Math.round(fraction * width);
        draw(`${lastLine.split(' |')[0]} |${'#'.repeat(filled)}${'.'.repeat(width - filled)}| ${Math.round(fraction * 100)}%`);
        return;
      }
      case 'failed':
        // The error line goes below the redrawn one, not onto it.
        if (tty && lastLine) rt.stderr.write('\n');
        return;
      default:
        return;
    }
  };
}

/**
 * A run of many profile runs (a sweep's points, a verification's trials) on stderr, from its bus:
 * the lines `lines` reads off its events and, on a terminal, each profile run as a bar labelled by
 * `label`, which names the events that start one (per-window lines for every run would bury the
 * per-run lines, so logs get only the lines).
 */
export function stepReporter(
  rt: Runtime,
  options: { quiet: boolean; label: (event: RunEvent) => string | undefined; lines: (event: RunEvent) => string[] },
): RunEventListener {
  if (options.quiet) return () => {};
  let run: RunEventListener | undefined;
  return (event) => {
    const label = options.label(event);
    if (label !== undefined) run = progressReporter(rt, label, !rt.stderr.isTTY);
    else run?.(event);
    if (event.type === 'point-done' || event.type === 'probe-done' || event.type === 'trial-done') run = undefined;
    for (const line of options.lines(event)) rt.stderr.write(`${line}\n`);
  };
}
