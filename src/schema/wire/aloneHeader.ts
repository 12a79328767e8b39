/**
 * Request header asking the agent to run a request as its own batch, bypassing the batching
 * policy. The profiler sends it with the cold-start request only: alone before any load, under
 * TorchServe's policy without a max delay it would otherwise wait for a full batch forever.
 */
export const ALONE_HEADER = 'x-capacity-plan-alone';

export function wantsAlone(headers: Record<string, string | string[] | undefined>): boolean {
  return headers[ALONE_HEADER] === '1';
}
