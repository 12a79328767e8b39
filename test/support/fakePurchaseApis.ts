import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local endpoints for the real AWS SDK that speak two wire protocols:
 * - Savings Plans (restJson1): POST /DescribeSavingsPlansOfferingRates with a JSON body; answers
 *   {searchResults, nextToken}; errors carry x-amzn-errortype and {"message"} (throttling: HTTP 429).
 * - EC2 (ec2 Query): POST / with a form-encoded body (Action=DescribeSpotPriceHistory&Version=...,
 *   InstanceType.1=..., NextToken=...); answers XML <DescribeSpotPriceHistoryResponse> with
 *   <spotPriceHistorySet><item>... and <nextToken>; errors are <Response><Errors><Error><Code>
 *   (throttling: RequestLimitExceeded, HTTP 503), as EC2 sends them.
 */

export interface OfferingRate {
  planType: 'Compute' | 'EC2Instance' | 'SageMaker';
  paymentOption: 'No Upfront' | 'Partial Upfront' | 'All Upfront';
  durationSeconds: number;
  rate: string;
  instanceType: string;
  region: string;
  usageType?: string;
}

export function offeringRate(r: OfferingRate): Record<string, unknown> {
  return {
    savingsPlanOffering: { offeringId: `off-${r.planType}-${r.durationSeconds}-${r.paymentOption.replace(/ /g, '')}`, paymentOption: r.paymentOption, planType: r.planType, durationSeconds: r.durationSeconds, currency: 'USD', planDescription: `${r.planType} plan` },
    rate: r.rate,
    currency: 'USD',
    unit: 'Hrs',
    productType: 'EC2',
    serviceCode: 'AmazonEC2',
    usageType: r.usageType ?? `BoxUsage:${r.instanceType}`,
    operation: 'RunInstances',
    properties: [
      { name: 'region', value: r.region },
      { name: 'instanceType', value: r.instanceType },
      { name: 'productDescription', value: 'Linux/UNIX' },
      { name: 'tenancy', value: 'shared' },
    ],
  };
}

export interface SpotItem {
  availabilityZone: string;
  instanceType: string;
  spotPrice: string;
  timestamp: string;
}

export interface FakePurchaseApis {
  url: string;
  /** "<api> <instance type> <page token or ->" per request, throttled ones included. */
  requests: string[];
  close(): Promise<void>;
}

export interface FakePurchaseOptions {
  /** Per instance type, each inner array one page. */
  savingsPlans?: Record<string, Record<string, unknown>[][]>;
  spot?: Record<string, SpotItem[][]>;
  /** Throttle this many requests of each API before answering. */
  throttleFirst?: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export async function startFakePurchaseApis(options: FakePurchaseOptions): Promise<FakePurchaseApis> {
  const requests: string[] = [];
  const throttles = { sp: options.throttleFirst ?? 0, ec2: options.throttleFirst ?? 0 };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = await readBody(req);
    if (req.url === '/DescribeSavingsPlansOfferingRates') {
      const body = JSON.parse(text || '{}') as { filters?: { name: string; values: string[] }[]; nextToken?: string };
      const type = body.filters?.find((f) => f.name === 'instanceType')?.values[0] ?? '';
      requests.push(`sp ${type} ${body.nextToken ?? '-'}`);
      if (throttles.sp > 0) {
        throttles.sp -= 1;
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
        res.end(JSON.stringify({ message: 'Rate exceeded' }));
        return;
      }
      const pages = options.savingsPlans?.[type] ?? [[]];
      const index = body.nextToken ? Number(body.nextToken.replace('sp-page-', '')) : 0;
      const next = index + 1 < pages.length ? `sp-page-${index + 1}` : null;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ searchResults: pages[index] ?? [], nextToken: next }));
      return;
    }
    const form = new URLSearchParams(text);
    if (form.get('Action') === 'DescribeSpotPriceHistory') {
      const type = form.get('InstanceType.1') ?? '';
      const token = form.get('NextToken');
      requests.push(`ec2 ${type} ${token ?? '-'}`);
      if (throttles.ec2 > 0) {
        throttles.ec2 -= 1;
        res.writeHead(503, { 'content-type': 'text/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>');
        return;
      }
      const pages = options.spot?.[type] ?? [[]];
      const index = token ? Number(token.replace('ec2-page-', '')) : 0;
      const next = index + 1 < pages.length ? `ec2-page-${index + 1}` : undefined;
      const items = (pages[index] ?? [])
        .map((i) => `<item><instanceType>${xml(i.instanceType)}</instanceType><productDescription>Linux/UNIX</productDescription><spotPrice>${i.spotPrice}</spotPrice><timestamp>${i.timestamp}</timestamp><availabilityZone>${i.availabilityZone}</availabilityZone></item>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-${requests.length}</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet>${next ? `<nextToken>${next}</nextToken>` : '<nextToken/>'}</DescribeSpotPriceHistoryResponse>`,
      );
      return;
    }
    requests.push(`unknown ${req.method} ${req.url}`);
    res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'UnknownOperationException' });
    res.end(JSON.stringify({ message: `unknown request ${req.url}` }));
  };
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
