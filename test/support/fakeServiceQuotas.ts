import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local endpoint speaking Service Quotas' wire protocol as @aws-sdk/client-service-quotas does:
 * AWS JSON 1.1, POST / with content-type application/x-amz-json-1.1 and x-amz-target
 * ServiceQuotasV20190624.<Operation>, SigV4 scoped to `servicequotas`. Errors are 4xx with
 * {"__type", "message"}.
 *
 * GetServiceQuota answers from `applied` (NoSuchResourceException when the code is not there, as
 * for a quota never changed from its default); GetAWSDefaultServiceQuota from `defaults`.
 */
export interface FakeServiceQuotas {
  url: string;
  /** Targets in call order. */
  calls: { target: string; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

const PREFIX = 'ServiceQuotasV20190624.';

export async function startFakeServiceQuotas(options: { applied?: Record<string, number>; defaults?: Record<string, number> }): Promise<FakeServiceQuotas> {
  const calls: FakeServiceQuotas['calls'] = [];
  const fail = (res: ServerResponse, code: number, type: string, message: string) => {
    res.writeHead(code, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ __type: type, message }));
  };
  const quota = (req: IncomingMessage, body: Record<string, unknown>, value: number) => ({
    Quota: {
      ServiceCode: body.ServiceCode,
      ServiceName: 'Amazon Elastic Compute Cloud (Amazon EC2)',
      QuotaArn: `arn:aws:servicequotas:us-east-1:123456789012:ec2/${String(body.QuotaCode)}`,
      QuotaCode: body.QuotaCode,
      QuotaName: 'Running On-Demand G and VT instances',
      Value: value,
      Unit: 'None',
      Adjustable: true,
      GlobalQuota: false,
    },
  });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (req.method !== 'POST' || req.url !== '/' || req.headers['content-type'] !== 'application/x-amz-json-1.1' || !target.startsWith(PREFIX)) {
        return fail(res, 400, 'ValidationException', `expected POST / AWS JSON 1.1 with ${PREFIX}<Operation>, got ${req.method} ${req.url} ${req.headers['content-type']} ${target}`);
      }
      if (!/Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/servicequotas\/aws4_request/.test(req.headers.authorization ?? '')) return fail(res, 403, 'AccessDeniedException', 'no SigV4 signature for servicequotas');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const operation = target.slice(PREFIX.length);
      calls.push({ target: operation, body });
      if (body.ServiceCode !== 'ec2') return fail(res, 400, 'NoSuchResourceException', `no service ${String(body.ServiceCode)}`);
      const code = String(body.QuotaCode);
      const table = operation === 'GetServiceQuota' ? (options.applied ?? {}) : operation === 'GetAWSDefaultServiceQuota' ? (options.defaults ?? {}) : undefined;
      if (table === undefined) return fail(res, 400, 'ValidationException', `unsupported operation ${operation}`);
      if (!(code in table)) return fail(res, 400, 'NoSuchResourceException', `The request failed because the specified quota ${code} does not exist.`);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(quota(req, body, table[code]!)));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, calls, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
