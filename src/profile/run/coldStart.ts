import type { WireRequest } from '../../serving/stage.js';
import type { Clock } from '../../util/clock.js';
import { median } from '../../util/median.js';
import type { ProfileTarget } from '../target.js';

/** Lone requests sent after the first one, whose median is the warm figure cold start is compared with. */
export const WARM_ALONE_REQUESTS = 5;

export interface ColdStartFigures {
  firstRequestMs?: number;
  warmMedianMs?: number;
  /** Why the first request failed, when it did. */
  warning?: string;
}

/**
 * Cold start: the first request alone, before any warm-up; then the same kind of lone request
 * once warm, which is what the first is compared with. (The median under load would mix in
 * queueing: at 32 clients it is often slower than a cold one.)
 */
export async function measureColdStart(
  target: Pick<ProfileTarget, 'send'>,
  requests: readonly WireRequest[],
  clock: Clock,
): Promise<ColdStartFigures> {
  const first = await target.send(requests[0]!, clock.nowMs(), { alone: true });
  const warmAloneMs: number[] = [];
  for (let i = 1; i <= WARM_ALONE_REQUESTS; i++) {
    const outcome = await target.send(requests[i % requests.length]!, clock.nowMs(), { alone: true });
    if (outcome.ok) warmAloneMs.push(outcome.endToEndMs);
  }
  return {
    firstRequestMs: first.ok ? first.endToEndMs : undefined,
    warmMedianMs: warmAloneMs.length > 0 ? median(warmAloneMs) : undefined,
    warning: first.ok ? undefined : `the first request failed (${first.failure?.stage}: ${first.failure?.reason})`,
  };
}
