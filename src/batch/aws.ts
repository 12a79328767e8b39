import { BatchClient, DescribeJobsCommand, SubmitJobCommand, type JobDetail } from '@aws-sdk/client-batch';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { describeAwsError, type AwsService } from '../aws/awsErrors.js';

/**
 * The AWS edge of `capacity-plan batch`: S3 (specs, manifests, results), Batch (SubmitJob,
 * DescribeJobs) and Service Quotas (the GPU vCPU quota). Endpoints follow AWS's variables, the
 * per-service one first, so tests point each client at a local endpoint.
 */
export interface BatchClients {
  s3: S3Client;
  batch: BatchClient;
  quotas: ServiceQuotasClient;
  services: { s3: AwsService; batch: AwsService; quotas: AwsService };
  destroy(): void;
}

function endpointFor(env: NodeJS.ProcessEnv, variable: string): string | undefined {
  return env[variable] || env.AWS_ENDPOINT_URL || undefined;
}

export function createBatchClients(options: { region: string; env: NodeJS.ProcessEnv }): BatchClients {
  const { region, env } = options;
  const common = { region, maxAttempts: 4, requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 } };
  const s3Endpoint = endpointFor(env, 'AWS_ENDPOINT_URL_S3');
  const batchEndpoint = endpointFor(env, 'AWS_ENDPOINT_URL_BATCH');
  const quotasEndpoint = endpointFor(env, 'AWS_ENDPOINT_URL_SERVICE_QUOTAS');
  // A custom S3 endpoint (a local server, MinIO) rarely resolves virtual-hosted bucket names.
  const s3 = new S3Client({ ...common, ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}) });
  const batch = new BatchClient({ ...common, ...(batchEndpoint ? { endpoint: batchEndpoint } : {}) });
  const quotas = new ServiceQuotasClient({ ...common, ...(quotasEndpoint ? { endpoint: quotasEndpoint } : {}) });
  return {
    s3,
    batch,
    quotas,
    services: {
      s3: { name: 'S3', endpoint: s3Endpoint ?? `https://s3.${region}.amazonaws.com`, endpointVariables: 'AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL', permissions: 's3:GetObject, s3:PutObject and s3:ListBucket on the results bucket' },
      batch: { name: 'AWS Batch', endpoint: batchEndpoint ?? `https://batch.${region}.amazonaws.com`, endpointVariables: 'AWS_ENDPOINT_URL_BATCH / AWS_ENDPOINT_URL', permissions: 'batch:SubmitJob and batch:DescribeJobs' },
      quotas: {
        name: 'Service Quotas',
        endpoint: quotasEndpoint ?? `https://servicequotas.${region}.amazonaws.com`,
        endpointVariables: 'AWS_ENDPOINT_URL_SERVICE_QUOTAS / AWS_ENDPOINT_URL',
        permissions: 'servicequotas:GetServiceQuota',
      },
    },
    destroy() {
      s3.destroy();
      batch.destroy();
      quotas.destroy();
    },
  };
}

async function call<T>(service: AwsService, signal: AbortSignal | undefined, run: () => Promise<T>): Promise<T> {
  try {
    signal?.throwIfAborted();
    return await run();
  } catch (error) {
    throw describeAwsError(error, service);
  }
}

/** The applied quota in vCPUs; the AWS default where the account never had one applied. */
export async function ec2QuotaVcpus(c: BatchClients, quotaCode: string, signal?: AbortSignal): Promise<number> {
  return call(c.services.quotas, signal, async () => {
    try {
      const applied = await c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }), { abortSignal: signal });
      return applied.Quota?.Value ?? 0;
    } catch (error) {
      if ((error as { name?: string }).name !== 'NoSuchResourceException') throw error;
      const fallback = await c.quotas.send(new GetAWSDefaultServiceQuotaCommand({ ServiceCode: 'ec2', QuotaCode: quotaCode }), { abortSignal: signal });
      return fallback.Quota?.Value ?? 0;
    }
  });
}

export async function putText(c: BatchClients, bucket: string, key: string, body: string, signal?: AbortSignal): Promise<void> {
  await call(c.services.s3, signal, () => c.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: key.endsWith('.json') ? 'application/json' : 'text/plain' }), { abortSignal: signal }));
}

/** The object's text, or undefined when there is no such key. */
export async function getText(c: BatchClients, bucket: string, key: string, signal?: AbortSignal): Promise<string | undefined> {
  return call(c.services.s3, signal, async () => {
    try {
      const object = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  });
}

export async function listKeys(c: BatchClients, bucket: string, prefix: string, signal?: AbortSignal): Promise<string[]> {
  return call(c.services.s3, signal, async () => {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await c.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  });
}

export async function submitJob(
  c: BatchClients,
  job: { jobName: string; jobQueue: string; jobDefinition: string; parameters: Record<string, string> },
  signal?: AbortSignal,
): Promise<string> {
  return call(c.services.batch, signal, async () => {
    const answer = await c.batch.send(new SubmitJobCommand(job), { abortSignal: signal });
    if (!answer.jobId) throw new Error('SubmitJob answered without a jobId');
    return answer.jobId;
  });
}

/** DescribeJobs takes at most 100 ids a call. */
export async function describeJobs(c: BatchClients, jobIds: string[], signal?: AbortSignal): Promise<JobDetail[]> {
  return call(c.services.batch, signal, async () => {
    const jobs: JobDetail[] = [];
    for (let i = 0; i < jobIds.length; i += 100) {
      const answer = await c.batch.send(new DescribeJobsCommand({ jobs: jobIds.slice(i, i + 100) }), { abortSignal: signal });
      jobs.push(...(answer.jobs ?? []));
    }
    return jobs;
  });
}
