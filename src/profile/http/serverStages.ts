import { STAGE_NAMES, type StageName } from '../../schema/profileSpec.js';
import { AGENT_STEP_NAMES, SERVER_TIMING_TOTAL, serverTimingEntries } from '../../schema/wire/serverTiming.js';
import { parseServerTiming, type ServerTiming } from './serverTiming.js';

/**
 * A server's Server-Timing → our pipeline stages, for the HTTP transport. Our agent names its
 * entries after the stages, so parseServerTiming alone reads them. Other servers may use other
 * names: a few common ones map onto our stages (ALIASES); the rest are left out, and the run's
 * document says so once (their time is still inside the server's total).
 *
 * Names are inspected on the first responses only: a server sends the same entries every time, and
 * the hot path then costs one parseServerTiming per response.
 */

/** Other servers' names for our stages, lower-cased. */
const ALIASES: Readonly<Record<string, StageName>> = {
  queue: 'queueWait',
  queue_wait: 'queueWait',
  'queue-wait': 'queueWait',
  queuewait: 'queueWait',
  inference: 'infer',
  compute_infer: 'infer',
  predict: 'infer',
  preprocessing: 'preprocess',
  postprocessing: 'postprocess',
  deserialization: 'deserialize',
  serialization: 'serialize',
};

const KNOWN: ReadonlySet<string> = new Set([...STAGE_NAMES.filter((s) => s !== 'network'), SERVER_TIMING_TOTAL, ...AGENT_STEP_NAMES]);
const INSPECTED_RESPONSES = 64;

export class ServerStageReader {
  private inspected = 0;
  private readonly aliased = new Map<string, StageName>();
  private readonly unknown = new Set<string>();
  /** Whether any response carried the server's total. */
  sawTotal = false;

  read(header: string | string[] | undefined): ServerTiming {
    const timing = parseServerTiming(header);
    if (timing.totalMs !== undefined) this.sawTotal = true;
    if (header === undefined) return timing;
    if (this.inspected < INSPECTED_RESPONSES) {
      this.inspected += 1;
      this.inspect(header);
    }
    if (this.aliased.size > 0) {
      for (const [name, durMs] of serverTimingEntries(header)) {
        const stage = this.aliased.get(name);
        if (stage !== undefined && timing.stageMs[stage] === undefined) timing.stageMs[stage] = durMs;
      }
    }
    return timing;
  }

  /** One line about the names left out, or undefined when every name was understood. */
  warning(): string | undefined {
    if (this.unknown.size === 0) return undefined;
    const names = [...this.unknown].slice(0, 8).map((n) => `'${n}'`);
    if (this.unknown.size > 8) names.push(`and ${this.unknown.size - 8} more`);
    return `the server's Server-Timing entries ${names.join(', ')} are not pipeline stages and were left out of the stages (their time is inside the server total)`;
  }

  /** Names this reader maps onto our stages (for tests and the document's warnings). */
  aliases(): ReadonlyMap<string, StageName> {
    return this.aliased;
  }

  private inspect(header: string | string[]): void {
    for (const [name] of serverTimingEntries(header)) {
      if (KNOWN.has(name) || this.aliased.has(name) || this.unknown.has(name)) continue;
      const stage = ALIASES[name.toLowerCase()];
      if (stage !== undefined) this.aliased.set(name, stage);
      else this.unknown.add(name);
    }
  }
}
