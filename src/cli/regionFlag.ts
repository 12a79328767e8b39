import type { FlagRow } from './flagTable.js';
import { text } from './flags.js';

const DEFAULT_REGION = 'us-east-1';

/** --region for commands that work in one region (plan, prices refresh); give it its own help. */
export const ONE_REGION_FLAG = {
  flag: '--region <region>',
  parse: text,
  help: 'AWS region',
  defaultHelp: `$AWS_REGION, else ${DEFAULT_REGION}`,
} satisfies FlagRow<string>;

/** The region in effect, and where it came from (for error messages). */
export function resolveRegion(flag: string | undefined, env: NodeJS.ProcessEnv): { region: string; from: '--region' | 'AWS_REGION' } {
  if (flag !== undefined) return { region: flag, from: '--region' };
  if (env.AWS_REGION) return { region: env.AWS_REGION, from: 'AWS_REGION' };
  return { region: DEFAULT_REGION, from: '--region' };
}
