import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AGENT_METRICS } from '../../src/schema/wire/metricNames.js';
import { REPO_ROOT } from '../../test/support/repoRoot.js';
import { agentMetricDeclarations, GPU_MEASUREMENTS, renderCloudWatchAgentConfig } from '../lib/render/cloudwatch-agent.js';
import { renderPrometheusYaml } from '../lib/render/prometheus-yaml.js';
import { renderFleetAgentUserData, renderProfilingUserData, shellQuote } from '../lib/render/user-data.js';
import type { Json } from './helpers.js';

/** `bash -n`: parses the script without running it; throws with bash's message on a syntax error. */
function bashSyntax(script: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'cp-userdata-'));
  const file = join(dir, 'script.sh');
  writeFileSync(file, script);
  execFileSync('bash', ['-n', file], { stdio: 'pipe' });
}

const profiling = {
  bucketName: "results-bucket-with-'quote",
  region: 'us-east-1',
  toolKey: 'tools/capacity-plan.tgz',
  nodeVersion: '22.23.5',
  maxRunMinutes: 180,
};

describe('CloudWatch agent configuration', () => {
  const config = renderCloudWatchAgentConfig({
    prometheusConfigPath: '/opt/aws/amazon-cloudwatch-agent/etc/prometheus.yaml',
    prometheusLogGroupName: '/capacity-plan/prometheus',
    emfNamespace: 'CapacityPlan/Agent',
    scrapeJobName: 'capacity-plan-agent',
  }) as Json;

  it('round-trips through JSON and collects only known nvidia_gpu measurements', () => {
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
    // The documented nvidia_gpu measurement names (CloudWatch-Agent-NVIDIA-GPU).
    const known = ['utilization_gpu', 'utilization_memory', 'memory_total', 'memory_used', 'memory_free', 'pcie_link_gen_current', 'pcie_link_width_current', 'encoder_stats_session_count', 'encoder_stats_average_fps', 'encoder_stats_average_latency', 'clocks_current_graphics', 'clocks_current_sm', 'clocks_current_memory', 'clocks_current_video', 'temperature_gpu', 'power_draw', 'fan_speed'];
    for (const m of config.metrics.metrics_collected.nvidia_gpu.measurement) expect(known).toContain(m);
    expect(config.metrics.metrics_collected.nvidia_gpu.measurement).toEqual([...GPU_MEASUREMENTS]);
  });

  it('appends the instance and group and aggregates by AutoScalingGroupName, as the watcher queries', () => {
    expect(config.metrics.namespace).toBe('CWAgent');
    expect(config.metrics.append_dimensions).toEqual({ InstanceId: '${aws:InstanceId}', InstanceType: '${aws:InstanceType}', AutoScalingGroupName: '${aws:AutoScalingGroupName}' });
    expect(config.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName']]);
  });

  it("scrapes the agent's counter and latency summary (not its histograms) through EMF, by labels the agent has", () => {
    const prometheus = config.logs.metrics_collected.prometheus;
    expect(prometheus.emf_processor.metric_namespace).toBe('CapacityPlan/Agent');
    const declarations = prometheus.emf_processor.metric_declaration as ReturnType<typeof agentMetricDeclarations>;
    expect(declarations).toEqual(agentMetricDeclarations('capacity-plan-agent'));
    const selected = (name: string) => declarations.filter((d) => d.metric_selectors.some((s) => new RegExp(s).test(name)));
    expect(selected(AGENT_METRICS.requestsTotal)).toHaveLength(1);
    expect(selected(AGENT_METRICS.requestLatencySummarySeconds)[0]!.dimensions).toEqual([['route', 'quantile']]);
    // The CloudWatch agent drops histograms: selecting one would be a promise it cannot keep.
    expect(selected(`${AGENT_METRICS.requestDurationSeconds}_bucket`)).toEqual([]);
    expect(selected(AGENT_METRICS.requestDurationSeconds)).toEqual([]);
    for (const d of declarations) expect(d.label_matcher).toBe('^capacity-plan-agent$');
  });
});

describe('prometheus.yaml', () => {
  it('parses, with one static job on the local agent port', () => {
    const doc = parseYaml(renderPrometheusYaml({ jobName: 'capacity-plan-agent', port: 9400 }));
    expect(doc.scrape_configs).toEqual([expect.objectContaining({ job_name: 'capacity-plan-agent', metrics_path: '/metrics', static_configs: [{ targets: ['127.0.0.1:9400'] }] })]);
    expect(doc.global.scrape_interval).toBe('60s');
  });

  it('refuses a port that is not one', () => {
    expect(() => renderPrometheusYaml({ jobName: 'x', port: 70000 })).toThrow(/not a TCP port/);
  });
});

describe('user data', () => {
  it('quotes values for bash', () => {
    expect(execFileSync('bash', ['-c', `printf %s ${shellQuote("it's $HOME `x`")}`]).toString()).toBe("it's $HOME `x`");
  });

  it('the profiling script passes bash -n and does what it must, in order', () => {
    const script = renderProfilingUserData(profiling);
    bashSyntax(script);
    const at = (text: string) => {
      const i = script.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    // Dead-man timer and trap before anything that can hang or fail.
    expect(at("shutdown -h +180")).toBeLessThan(at('trap finish EXIT'));
    expect(at('trap finish EXIT')).toBeLessThan(at('npm install --global'));
    expect(at('libcudnn.so.9')).toBeLessThan(at('npm install --global'));
    expect(at('/usr/local/cuda-12.')).toBeLessThan(at('npm install --global'));
    expect(at('export ONNXRUNTIME_NODE_INSTALL=cuda12')).toBeLessThan(at('npm install --global'));
    expect(at('s3://$BUCKET/$SPEC_KEY')).toBeLessThan(at('capacity-plan "${ARGS[@]}"'));
    // The same artifact a user installs, from the bucket: never a registry name; doctor gates the run.
    expect(at('s3://$BUCKET/$TOOL_KEY')).toBeLessThan(at('npm install --global "$WORK/capacity-plan.tgz"'));
    expect(script).not.toMatch(/npm install --global (capacity-plan|"\$TOOL_PACKAGE")/);
    expect(at('npm install --global "$WORK/capacity-plan.tgz"')).toBeLessThan(at('capacity-plan doctor'));
    expect(at('capacity-plan doctor')).toBeLessThan(at('capacity-plan "${ARGS[@]}"'));
    at('s3://$BUCKET/results/$RUN/$INSTANCE_TYPE/');
    at('shutdown -h now');
    at(`BUCKET=${shellQuote(profiling.bucketName)}`);
  });

  it('shuts down by the dead-man timer and the trap even when the first step fails', () => {
    // Stubs on PATH: shutdown records its arguments, curl fails as IMDS would off EC2.
    const dir = mkdtempSync(join(tmpdir(), 'cp-userdata-run-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'shutdown.log');
    writeFileSync(join(bin, 'shutdown'), `#!/bin/bash\necho "$*" >> ${shellQuote(log)}\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'curl'), '#!/bin/bash\nexit 7\n', { mode: 0o755 });
    const script = join(dir, 'user-data.sh');
    writeFileSync(script, renderProfilingUserData({ ...profiling, workDir: join(dir, 'work') }));
    const run = spawnSync('bash', [script], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(run.status).toBe(7);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['-h +180 capacity-plan: dead-man timer', '-h now capacity-plan: run finished']);
    expect(readFileSync(join(dir, 'work/results/exit-code'), 'utf8')).toBe('7\n');
  });

  it('refuses a dead-man timer too short to install anything', () => {
    expect(() => renderProfilingUserData({ ...profiling, maxRunMinutes: 5 })).toThrow(/at least 10/);
  });

  it('the fleet script passes bash -n and starts the agent on the SSM configuration', () => {
    const script = renderFleetAgentUserData({ agentConfigParameter: 'AmazonCloudWatch-capacity-plan', prometheusParameter: 'p', prometheusConfigPath: '/etc/p.yaml', region: 'us-east-1' });
    bashSyntax(script);
    expect(script).toContain("-a fetch-config -m ec2 -s -c 'ssm:AmazonCloudWatch-capacity-plan'");
  });

  it("the Batch image's job script passes bash -n, runs the spec and uploads under results/<run>/<type>/ even when the tool fails", () => {
    execFileSync('bash', ['-n', join(REPO_ROOT, 'infra/images/profiler/run-job.sh')]);
    const dir = mkdtempSync(join(tmpdir(), 'cp-run-job-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const calls = join(dir, 'calls.log');
    // aws: `s3 cp <src> <dest>` of the spec writes it; every call is recorded. capacity-plan fails with 5.
    writeFileSync(join(bin, 'aws'), `#!/bin/bash\necho "aws $*" >> ${shellQuote(calls)}\nif [ "$3" = s3://bucket/specs/r1/spec.json ]; then echo '{"command":"sweep","args":["--sla","p95<=100ms"]}' > "$4"; fi\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'capacity-plan'), `#!/bin/bash\necho "capacity-plan $*" >> ${shellQuote(calls)}\nexit 5\n`, { mode: 0o755 });
    writeFileSync(join(bin, 'nvidia-smi'), '#!/bin/bash\n', { mode: 0o755 });
    const run = spawnSync('bash', [join(REPO_ROOT, 'infra/images/profiler/run-job.sh'), 'r1', 'specs/r1/spec.json'], {
      env: { PATH: `${bin}:${process.env.PATH}`, WORK_DIR: dir, RESULTS_BUCKET: 'bucket', INSTANCE_TYPE: 'g5.xlarge', AWS_BATCH_JOB_ID: 'job-1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(5);
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual([
      `aws s3 cp s3://bucket/specs/r1/spec.json ${dir}/spec.json`,
      `capacity-plan sweep --sla p95<=100ms --instance-type g5.xlarge --out ${dir}/out/g5.xlarge-job-1.json`,
      `aws s3 cp --recursive ${dir}/out s3://bucket/results/r1/g5.xlarge/`,
    ]);
    expect(readFileSync(join(dir, 'out/exit-code'), 'utf8')).toBe('5\n');
  });
});
