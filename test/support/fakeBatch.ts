import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local endpoint speaking AWS Batch's wire protocol as @aws-sdk/client-batch does: REST-JSON,
 * POST /v1/<operation lowercased> with a JSON body (SubmitJob at /v1/submitjob, DescribeJobs at
 * /v1/describejobs), SigV4 scoped to `batch`. Errors are 4xx with an x-amzn-errortype header and
 * {"message"} (ClientException for a bad request, as Batch answers).
 *
 * SubmitJob records the job (queues must be in `queues`, else ClientException as for a queue the
 * stack does not have); DescribeJobs answers each known id with `status(job)` (default SUBMITTED).
 */
export interface FakeJob {
  jobId: string;
  jobName: string;
  jobQueue: string;
  jobDefinition: string;
  parameters: Record<string, string>;
  headers: IncomingMessage['headers'];
}

export interface FakeBatch {
  url: string;
  jobs: FakeJob[];
  /** Operation paths in call order. */
  calls: string[];
  setStatus(status: (job: FakeJob) => { status: string; statusReason?: string }): void;
  close(): Promise<void>;
}

export async function startFakeBatch(options: { queues: string[] }): Promise<FakeBatch> {
  const jobs: FakeJob[] = [];
  const calls: string[] = [];
  let status: (job: FakeJob) => { status: string; statusReason?: string } = () => ({ status: 'SUBMITTED' });

  const fail = (res: ServerResponse, code: number, type: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/json', 'x-amzn-errortype': type });
    res.end(JSON.stringify({ message }));
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push(req.url ?? '');
      if (req.method !== 'POST' || !/^application\/json/.test(req.headers['content-type'] ?? '')) return fail(res, 400, 'ClientException', `expected POST application/json, got ${req.method} ${req.headers['content-type']}`);
      if (!/Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/batch\/aws4_request/.test(req.headers.authorization ?? '')) return fail(res, 403, 'AccessDeniedException', 'no SigV4 signature for batch');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return fail(res, 400, 'ClientException', 'body is not JSON');
      }
      if (req.url === '/v1/submitjob') {
        const { jobName, jobQueue, jobDefinition, parameters } = body as { jobName?: string; jobQueue?: string; jobDefinition?: string; parameters?: Record<string, string> };
        if (!jobName || !jobQueue || !jobDefinition) return fail(res, 400, 'ClientException', 'jobName, jobQueue and jobDefinition are required');
        if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/.test(jobName)) return fail(res, 400, 'ClientException', `invalid jobName ${jobName}`);
        if (!options.queues.includes(jobQueue)) return fail(res, 400, 'ClientException', `JobQueue ${jobQueue} not found`);
        const jobId = `00000000-0000-4000-8000-${String(jobs.length + 1).padStart(12, '0')}`;
        jobs.push({ jobId, jobName, jobQueue, jobDefinition, parameters: parameters ?? {}, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ jobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}`, jobName, jobId }));
      }
      if (req.url === '/v1/describejobs') {
        const ids = (body.jobs as string[] | undefined) ?? [];
        if (ids.length > 100) return fail(res, 400, 'ClientException', 'at most 100 jobs');
        const found = jobs.filter((j) => ids.includes(j.jobId)).map((j) => ({
          jobName: j.jobName,
          jobId: j.jobId,
          jobQueue: j.jobQueue,
          jobDefinition: j.jobDefinition,
          parameters: j.parameters,
          createdAt: 1764400000000,
          ...status(j),
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ jobs: found }));
      }
      return fail(res, 404, 'ClientException', `unknown operation ${req.url}`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    calls,
    setStatus: (s) => (status = s),
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}
