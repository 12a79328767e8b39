import { defaultHome } from '../util/home.js';
import { openAgentTarget } from '../profile/http/agentTarget.js';
import { loadPreset } from '../profile/presets.js';
import { runProfile } from '../profile/runner.js';
import { ProfileSpec } from '../schema/profileSpec.js';

/**
 * httpOverhead: throughput of the thin preset (profiles/presets/triton-dynamic.yaml) on the tiny
 * model profiled in process, divided by the same profile over HTTP (`--transport http`: the agent
 * in a child process, driven over loopback by the profiler's load generator). 1.0 would mean HTTP
 * costs nothing; the excess is what the HTTP layer (sockets, parsing, the body's copies, the load
 * generator sharing the cores) takes from the serving capacity measured.
 *
 * Both runs: closed loop at the preset's concurrency (32, saturating), 1 s warm-up and exactly
 * three 2.2 s windows (~8 s each), the same 32 synthetic images.
 *
 * Preprocessing stays where the preset has it, on the server: that is the profile a user gets from
 * `--preset triton-dynamic --transport http`, so the ratio says what switching the transport costs
 * them. (With client-side tensors the tiny model's server work is nearly nothing, and the ratio
 * would measure loopback copies of 600 KB bodies rather than a serving setup.)
 */
const MEASUREMENT = { warmupS: 1, windowS: 2.2, maxWindows: 3, stableWindows: 3, durationS: 8 };

export async function benchHttpOverhead(): Promise<{ inProcessRps: number; httpRps: number; httpOverhead: number }> {
  const env = process.env;
  const home = defaultHome(env);
  const preset = await loadPreset('triton-dynamic', process.cwd());
  const spec = ProfileSpec.parse({
    ...preset.spec,
    name: 'http-overhead',
    model: { source: 'tiny' },
    measurement: MEASUREMENT,
    images: { kind: 'synthetic', count: 32 },
  });
  const common = { spec, home, env, now: () => new Date() };
  const inProcess = await runProfile(common);
  const http = await runProfile({
    ...common,
    openTarget: (s, o) => openAgentTarget({ spec: s, home: o.home, env, protocol: 'raw', clock: o.clock, signal: o.signal }),
  });
  return {
    inProcessRps: Math.round(inProcess.throughputRps * 10) / 10,
    httpRps: Math.round(http.throughputRps * 10) / 10,
    httpOverhead: Math.round((inProcess.throughputRps / http.throughputRps) * 100) / 100,
  };
}
