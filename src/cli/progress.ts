import type { RunEvent, RunEventListener, RunEventOf } from '../profile/events.js';
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
 * A sweep's progress on stderr, from its bus: the lines `lines` reads off its events and, on a
 * terminal, each measured point's run as a bar labelled by `label` (per-window lines for every
 * point would bury the per-point lines, so logs get only the lines).
 */
export function sweepReporter(
  rt: Runtime,
  options: { quiet: boolean; label: (start: RunEventOf<'point-start'>) => string; lines: (event: RunEvent) => string[] },
): RunEventListener {
  if (options.quiet) return () => {};
  let point: RunEventListener | undefined;
  return (event) => {
    if (event.type === 'point-start') point = progressReporter(rt, options.label(event), !rt.stderr.isTTY);
    else point?.(event);
    if (event.type === 'point-done' || event.type === 'probe-done') point = undefined;
    for (const line of options.lines(event)) rt.stderr.write(`${line}\n`);
  };
}
