import { randomBytes } from 'node:crypto';
import { dirname, join, posix, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { createBatchClients, describeJobs, ec2QuotaVcpus, getText, listKeys, putText, submitJob, type BatchClients } from '../batch/aws.js';
import { gpuHostSpec } from '../batch/hosts.js';
import { batchResourceName, JOB_PARAMETERS, resultsPrefix, runManifestKey, specKey } from '../batch/names.js';
import { quotaNeeds } from '../batch/quota.js';
import { BATCH_RUN_SCHEMA_VERSION, BatchRun, BatchSpec } from '../schema/batchRun.js';
import { readYamlDocument, writeFileAtomic } from '../util/documents.js';
import { EnvironmentError, InputError, UsageError } from '../util/errors.js';
import { describeZodError } from '../util/zodErrors.js';
import { addExitCodes, addSubcommandExitCodes, type ExitTable } from './exitCodes.js';
import { addFlags, type FlagTable, type FlagValues } from './flagTable.js';
import { text } from './flags.js';
import type { Register } from './program.js';
import { ONE_REGION_FLAG, resolveRegion } from './regionFlag.js';
import type { Runtime } from './runtime.js';
import { resolveInputPath } from '../util/packagePaths.js';

/**
 * `capacity-plan batch`: profile several instance types at once on the AWS Batch set-up that
 * infra/ deploys (one queue and job definition per type, named by src/batch/names.ts).
 *   submit   check the GPU vCPU quota, upload the spec, one job per type, record the run
 *   status   each job's state
 *   collect  download every document of the run, then print the `plan` command across them
 */

/** Every subcommand's: where the run lives. */
const COMMON_FLAGS = {
  bucket: { flag: '--bucket <name>', parse: text, help: 'the results bucket (CapacityPlanResults: capacity-plan-results-<account>-<region>)' },
  region: ONE_REGION_FLAG,
  json: { flag: '--json', help: 'print JSON' },
} satisfies FlagTable;

const SUBMIT_FLAGS = {
  instanceTypes: {
    flag: '--instance-types <types>',
    parse: text,
    help: 'comma-separated, e.g. g4dn.xlarge,g5.xlarge,g6.xlarge (each needs its queue in the stack)',
  },
  spec: { flag: '--spec <file>', parse: text, help: "what each job runs (YAML or JSON): {command: sweep|profile, args: [...]}" },
  run: { flag: '--run <id>', parse: text, help: 'run id', defaultHelp: 'the time and a random suffix' },
  ...COMMON_FLAGS,
} satisfies FlagTable;

const COLLECT_FLAGS = {
  out: { flag: '--out <dir>', parse: text, help: 'where to put the documents (one folder per instance type)' },
  ...COMMON_FLAGS,
} satisfies FlagTable;

/** What every subcommand's AWS calls can end in. */
const AWS_EXITS = {
  environment: 'no AWS credentials, or AWS cannot be reached',
  remote: 'S3, Batch or Service Quotas answered with an error',
  interrupted: 'Ctrl-C during an AWS call',
} satisfies Partial<ExitTable>;

const SUBMIT_EXITS: ExitTable = {
  ok: 'the jobs are submitted and the run is recorded',
  usage: 'a bad flag or flag value, no --instance-types, --spec or --bucket, or a --run that exists already',
  input: 'the --spec file is missing or invalid, or an instance type is not an NVIDIA GPU type the catalog knows',
  ...AWS_EXITS,
  environment: 'no AWS credentials, AWS cannot be reached, or the GPU vCPU quota is too small for one host of each type',
};

const STATUS_EXITS: ExitTable = {
  ok: "each job's state is printed",
  usage: 'a bad flag or flag value, a bad run id, or no --bucket',
  input: 'the bucket has no such run, or its record is invalid',
  ...AWS_EXITS,
};

const COLLECT_EXITS: ExitTable = {
  ok: 'the documents are downloaded and the plan command printed',
  usage: 'a bad flag or flag value, a bad run id, no --bucket or no --out',
  input: 'the bucket has no such run, its record is invalid, or it has no documents yet',
  ...AWS_EXITS,
};

type CommonOptions = FlagValues<typeof COMMON_FLAGS>;
type SubmitOptions = FlagValues<typeof SUBMIT_FLAGS>;
type CollectOptions = FlagValues<typeof COLLECT_FLAGS>;

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const registerBatchCommand: Register = (program: Command, rt: Runtime) => {
  const batch = addSubcommandExitCodes(program.command('batch').description('Profile several instance types at once on AWS Batch (deploy infra/ first)'));
  const submit = batch.command('submit').description('Check the GPU quota, upload the spec and submit one whole-host job per instance type');
  addExitCodes(addFlags(submit, SUBMIT_FLAGS), SUBMIT_EXITS).action(async (options: SubmitOptions) => runSubmit(options, rt));
  const status = batch.command('status').description("Each job's state in a run").argument('<run>', 'the run id batch submit printed');
  addExitCodes(addFlags(status, COMMON_FLAGS), STATUS_EXITS).action(async (run: string, options: CommonOptions) => runStatus(run, options, rt));
  const collect = batch
    .command('collect')
    .description('Download every document of a run, then print the plan command across all types')
    .argument('<run>', 'the run id batch submit printed');
  addExitCodes(addFlags(collect, COLLECT_FLAGS), COLLECT_EXITS).action(async (run: string, options: CollectOptions) => runCollect(run, options, rt));
};

function requireBucket(options: CommonOptions): string {
  if (!options.bucket) throw new UsageError('--bucket is required', 'the CapacityPlanResults stack names it capacity-plan-results-<account>-<region>');
  return options.bucket;
}

function requireRun(run: string): string {
  if (!RUN_ID.test(run)) throw new UsageError(`run id '${run}' must be letters, digits, dot, dash or underscore (at most 64)`);
  return run;
}

async function withClients<T>(options: CommonOptions, rt: Runtime, body: (c: BatchClients, region: string) => Promise<T>): Promise<T> {
  const { region } = resolveRegion(options.region, rt.env);
  const clients = createBatchClients({ region, env: rt.env });
  try {
    return await body(clients, region);
  } finally {
    clients.destroy();
  }
}

function readSpec(path: string, label: string): Promise<BatchSpec> {
  return readYamlDocument(path, BatchSpec, 'spec', {
    shownPath: label,
    readHint: 'check the --spec path',
    invalidHint: "e.g. {command: sweep, args: ['--sla', 'p95<=100ms', '--vary', 'maxBatchSize=1,8']}",
  });
}

/** The run id when --run is not given: the time, then a random suffix. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

async function runSubmit(options: SubmitOptions, rt: Runtime): Promise<void> {
  if (!options.instanceTypes) throw new UsageError('--instance-types is required', 'e.g. --instance-types g4dn.xlarge,g5.xlarge,g6.xlarge');
  if (!options.spec) throw new UsageError('--spec is required', 'a YAML file: {command: sweep, args: [...]}');
  const bucket = requireBucket(options);
  const types = [...new Set(options.instanceTypes.split(',').map((t) => t.trim()).filter(Boolean))];
  if (types.length === 0) throw new UsageError('--instance-types is empty', 'e.g. --instance-types g4dn.xlarge,g5.xlarge');
  const hosts = types.map((t) => gpuHostSpec(t));
  const spec = await readSpec(resolveInputPath(rt.cwd, options.spec), options.spec);
  const runId = options.run !== undefined ? requireRun(options.run) : newRunId(rt.now());

  await withClients(options, rt, async (c, region) => {
    // The quota first: with too few vCPUs the jobs would sit RUNNABLE for ever.
    for (const need of quotaNeeds(hosts)) {
      const have = await ec2QuotaVcpus(c, need.quota.code, rt.signal);
      if (have < need.vcpus) {
        throw new EnvironmentError(
          `the '${need.quota.name}' quota (${need.quota.code}) in ${region} is ${have} vCPUs; one host of each type needs ${need.vcpus} (${need.breakdown})`,
          `request at least ${need.vcpus}: aws service-quotas request-service-quota-increase --service-code ec2 --quota-code ${need.quota.code} --desired-value ${need.vcpus} --region ${region}`,
        );
      }
    }
    const key = specKey(runId);
    if ((await getText(c, bucket, runManifestKey(runId), rt.signal)) !== undefined) {
      throw new UsageError(`run '${runId}' already exists in s3://${bucket}/${runManifestKey(runId)}`, 'pick another --run, or leave it out');
    }
    await putText(c, bucket, key, `${JSON.stringify(spec, null, 2)}\n`, rt.signal);
    const jobs: BatchRun['jobs'] = [];
    for (const host of hosts) {
      const name = batchResourceName(host.instanceType);
      const jobName = `capacity-plan-${runId}-${host.instanceType}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128);
      const jobId = await submitJob(c, { jobName, jobQueue: name, jobDefinition: name, parameters: { [JOB_PARAMETERS.run]: runId, [JOB_PARAMETERS.specKey]: key } }, rt.signal);
      jobs.push({ instanceType: host.instanceType, jobId, jobName, jobQueue: name });
      rt.stderr.write(`[batch] submitted ${host.instanceType}: job ${jobId} on queue ${name}\n`);
    }
    const run: BatchRun = { schemaVersion: BATCH_RUN_SCHEMA_VERSION, kind: 'batch-run', runId, createdAt: rt.now().toISOString(), region, bucket, specKey: key, spec, jobs };
    await putText(c, bucket, runManifestKey(runId), `${JSON.stringify(run, null, 2)}\n`, rt.signal);
    if (options.json) {
      rt.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
      return;
    }
    rt.stdout.write(`run ${runId}: ${jobs.length} jobs submitted in ${region}; results go to s3://${bucket}/${resultsPrefix(runId)}<type>/\n`);
    rt.stdout.write(`next: capacity-plan batch status ${runId} --bucket ${bucket} --region ${region}\n`);
  });
}

async function readRun(c: BatchClients, bucket: string, runId: string, signal: AbortSignal): Promise<BatchRun> {
  const key = runManifestKey(runId);
  const text = await getText(c, bucket, key, signal);
  if (text === undefined) throw new InputError(`no run '${runId}' in s3://${bucket}/${key}`, 'check the run id and --bucket (batch submit printed both)');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InputError(`s3://${bucket}/${key} is not JSON`);
  }
  const parsed = BatchRun.safeParse(raw);
  if (!parsed.success) throw new InputError(`s3://${bucket}/${key} is not a batch run record: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

async function runStatus(runArg: string, options: CommonOptions, rt: Runtime): Promise<void> {
  const runId = requireRun(runArg);
  const bucket = requireBucket(options);
  await withClients(options, rt, async (c) => {
    const run = await readRun(c, bucket, runId, rt.signal);
    const details = new Map((await describeJobs(c, run.jobs.map((j) => j.jobId), rt.signal)).map((d) => [d.jobId, d]));
    const rows = run.jobs.map((j) => {
      const d = details.get(j.jobId);
      return { instanceType: j.instanceType, jobId: j.jobId, status: d?.status ?? 'UNKNOWN', reason: d?.statusReason ?? (d ? '' : 'Batch no longer knows this job (kept about 7 days)') };
    });
    if (options.json) {
      rt.stdout.write(`${JSON.stringify({ runId, jobs: rows }, null, 2)}\n`);
      return;
    }
    const width = Math.max(...rows.map((r) => r.instanceType.length), 13);
    rt.stdout.write(`run ${runId} (${run.spec.command}, ${run.createdAt})\n`);
    rt.stdout.write(`${'instance type'.padEnd(width)}  ${'status'.padEnd(9)}  job\n`);
    for (const r of rows) rt.stdout.write(`${r.instanceType.padEnd(width)}  ${r.status.padEnd(9)}  ${r.jobId}${r.reason ? `  ${r.reason}` : ''}\n`);
    const runnable = rows.filter((r) => r.status === 'RUNNABLE');
    if (runnable.length > 0) rt.stdout.write(`RUNNABLE for long: check the GPU vCPU quota and the compute environment (${runnable.map((r) => r.instanceType).join(', ')})\n`);
    if (rows.every((r) => r.status === 'SUCCEEDED' || r.status === 'FAILED')) rt.stdout.write(`next: capacity-plan batch collect ${runId} --bucket ${bucket} --out <dir>\n`);
  });
}

/** The SLA the spec's own args give, for the plan command; a placeholder otherwise. */
function slaOf(args: string[]): string {
  const i = args.findIndex((a) => a === '--sla' || a.startsWith('--sla='));
  if (i < 0) return '<sla>';
  return args[i]!.includes('=') ? args[i]!.slice('--sla='.length) : (args[i + 1] ?? '<sla>');
}

function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@,+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;
}

async function runCollect(runArg: string, options: CollectOptions, rt: Runtime): Promise<void> {
  const runId = requireRun(runArg);
  const bucket = requireBucket(options);
  if (!options.out) throw new UsageError('--out is required', 'a folder for the documents, e.g. --out profiles/results/batch');
  const outDir = resolve(rt.cwd, options.out);
  await withClients(options, rt, async (c) => {
    const run = await readRun(c, bucket, runId, rt.signal);
    const prefix = resultsPrefix(runId);
    const keys = await listKeys(c, bucket, prefix, rt.signal);
    const documents: string[] = [];
    for (const key of keys) {
      const rel = key.slice(prefix.length);
      // <type>/<file>; nothing outside the out folder, whatever a key says.
      if (!/^[a-z0-9.-]+\/[^/]+$/.test(rel) || rel.split('/').some((p) => p === '..')) continue;
      const text = await getText(c, bucket, key, rt.signal);
      if (text === undefined) continue;
      const local = join(outDir, ...rel.split(posix.sep));
      await writeFileAtomic(local, text);
      if (rel.endsWith('.json')) documents.push(local);
    }
    const byType = new Map(run.jobs.map((j) => [j.instanceType, documents.filter((d) => dirname(d) === join(outDir, j.instanceType))]));
    const missing = [...byType].filter(([, docs]) => docs.length === 0).map(([t]) => t);
    const shown = documents.map((d) => relative(rt.cwd, d) || d);
    if (options.json) {
      rt.stdout.write(`${JSON.stringify({ runId, out: options.out, documents: shown, missing }, null, 2)}\n`);
      return;
    }
    rt.stdout.write(`downloaded ${keys.length} files of run ${runId} to ${options.out}: ${documents.length} documents\n`);
    for (const t of missing) rt.stdout.write(`${t}: no document yet (see ${options.out}/${t}/ for exit-code and logs, or batch status ${runId})\n`);
    if (documents.length === 0) throw new InputError(`run '${runId}' has no documents in s3://${bucket}/${prefix} yet`, `capacity-plan batch status ${runId} --bucket ${bucket}`);
    rt.stdout.write(`next: capacity-plan plan ${shown.map(shellWord).join(' ')} --sla ${shellWord(slaOf(run.spec.args))}\n`);
  });
}
