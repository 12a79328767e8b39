import { roundTo } from '../../plan/money.js';
import type { Finding } from '../../schema/findings.js';
import type { Hour } from '../hours.js';
import { IDLE_HOURS } from '../thresholds.js';
import { finding, type Context } from './context.js';

export function idle(ctx: Context): Finding[] {
  if (!ctx.series.hasDemand) return [];
  let run: Hour[] = [];
  let longest: Hour[] = [];
  for (const h of ctx.hours) {
    if (h.peakRps === 0) run.push(h);
    else run = [];
    if (run.length > longest.length) longest = [...run];
  }
  const idleHours = longest.reduce((t, h) => t + h.weight, 0);
  if (idleHours < IDLE_HOURS) return [];
  const saved = ctx.monthly(
    longest.reduce((t, h) => t + (Number.isNaN(h.running) ? 0 : h.running) * h.weight, 0),
    ctx.knownHours,
  );
  return [
    finding({
      kind: 'IDLE',
      reasonCodes: ['Idle'],
      summary: `no requests at all for ${roundTo(idleHours, 1)} hours in a row from ${longest[0]!.start}`,
      recommendation: 'stop the fleet (or scale it to zero) while it is idle, or delete it if nothing uses it',
      hours: longest,
      figures: { idleHours: roundTo(idleHours, 2), from: longest[0]!.start },
      savingsUsd: saved,
      risk: 0,
    }),
  ];
}
