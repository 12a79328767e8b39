import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** $CAPACITY_PLAN_HOME, default ~/.capacity-plan: model cache, image corpus, price cache. */
export function defaultHome(env: NodeJS.ProcessEnv): string {
  return env.CAPACITY_PLAN_HOME ? resolve(env.CAPACITY_PLAN_HOME) : join(homedir(), '.capacity-plan');
}
