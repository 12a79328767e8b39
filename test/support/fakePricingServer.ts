import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local endpoint that speaks the Price List API's wire protocol (AWS JSON 1.1): POST /, header
 * X-Amz-Target: AWSPriceListService.<Operation>, content-type application/x-amz-json-1.1, JSON
 * body; answers with PriceList as an array of JSON *strings*, and NextToken between pages. Errors
 * are HTTP 400 with {"__type": ..., "message": ...} and the x-amzn-errortype header, as AWS sends.
 */

export const M5_LARGE_ITEM: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../pricing/fixtures/m5_large.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

/** The m5.large item re-dressed as a GPU instance with another price (see fixtures/README.md). */
export function gpuItem(instanceType: string, regionCode: string, usdPerHour: string): Record<string, unknown> {
  const item = structuredClone(M5_LARGE_ITEM) as {
    product: { attributes: Record<string, string> };
    terms: { OnDemand: Record<string, { priceDimensions: Record<string, { pricePerUnit: { USD: string } }> }> };
  };
  Object.assign(item.product.attributes, {
    instanceType,
    regionCode,
    usagetype: `BoxUsage:${instanceType}`,
    instanceFamily: 'GPU instance',
    gpu: '1',
    gpuMemory: '16 GB',
    vcpu: '4',
    memory: '16 GiB',
    marketoption: 'OnDemand',
  });
  for (const term of Object.values(item.terms.OnDemand)) {
    for (const dimension of Object.values(term.priceDimensions)) dimension.pricePerUnit.USD = usdPerHour;
  }
  return item;
}

/**
 * A SageMaker Hosting product as GetProducts returns it for AmazonSageMaker. No verbatim item was
 * found in any public source (shared/research/sagemaker-pricing.md §6), so this one is put
 * together from what the sources do show: the attribute names and values (instanceName,
 * instanceType '<name>-Hosting', component, usagetype '<prefix>-Host:<name>', operation
 * RunInstance) and the EC2 item's term structure, with a Hosting description. The SKU and term
 * codes are made up.
 */
export function hostingItem(instanceName: string, regionCode: string, usdPerHour: string, component = 'Hosting'): Record<string, unknown> {
  const sku = `FAKE${component}${instanceName}`.replace(/[^a-z0-9]/gi, '').toUpperCase();
  const prefix: Record<string, string> = { 'us-east-1': 'USE1', 'us-east-2': 'USE2', 'ap-northeast-1': 'APN1' };
  const short = component === 'Hosting' ? 'Host' : component;
  return {
    product: {
      productFamily: 'ML Instance',
      sku,
      attributes: {
        servicecode: 'AmazonSageMaker',
        regionCode,
        location: regionCode === 'us-east-1' ? 'US East (N. Virginia)' : regionCode,
        locationType: 'AWS Region',
        instanceName,
        instanceType: `${instanceName}-${component}`,
        component,
        platoinstancetype: component,
        usagetype: `${prefix[regionCode] ?? 'XX1'}-${short}:${instanceName}`,
        operation: 'RunInstance',
        computeType: 'Accelerated Computing Instances',
      },
    },
    serviceCode: 'AmazonSageMaker',
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          offerTermCode: 'JRTCKXETXF',
          sku,
          effectiveDate: '2026-11-01T00:00:00Z',
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${Number(usdPerHour)} per ${component} ${instanceName} hour in ${regionCode}`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: '0',
              pricePerUnit: { USD: usdPerHour },
            },
          },
          termAttributes: {},
        },
      },
    },
    version: '20261101000000',
    publicationDate: '2026-11-01T00:00:00Z',
  };
}

export interface RecordedRequest {
  target: string | undefined;
  contentType: string | undefined;
  authorization: string | undefined;
  body: { ServiceCode?: string; Filters?: { Type: string; Field: string; Value: string }[]; NextToken?: string; FormatVersion?: string };
}

export interface FakePricingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface FakePricingOptions {
  /** Items per instance type (EC2) or instance name (SageMaker, 'ml.g4dn.xlarge'): each inner array is one page. */
  pages: Record<string, Record<string, unknown>[][]>;
  /** Answer this many requests with ThrottlingException before serving. */
  throttleFirst?: number;
  /** Answer every request with this error (e.g. AccessDeniedException, HTTP 400). */
  alwaysFail?: { type: string; status: number; message: string };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startFakePricingServer(options: FakePricingOptions): Promise<FakePricingServer> {
  const requests: RecordedRequest[] = [];
  let throttles = options.throttleFirst ?? 0;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const body = JSON.parse(text || '{}') as RecordedRequest['body'];
      const target = req.headers['x-amz-target'] as string | undefined;
      requests.push({ target, contentType: req.headers['content-type'], authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown, errorType?: string): void => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': `req-${requests.length}`,
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
        });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'AWSPriceListService.GetProducts') {
        send(400, { __type: 'UnknownOperationException', message: `unknown target ${target}` }, 'UnknownOperationException');
        return;
      }
      if (options.alwaysFail) {
        send(options.alwaysFail.status, { __type: options.alwaysFail.type, message: options.alwaysFail.message }, options.alwaysFail.type);
        return;
      }
      if (throttles > 0) {
        throttles -= 1;
        send(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, 'ThrottlingException');
        return;
      }
      // EC2 queries name the type in instanceType, SageMaker ones in instanceName.
      const instanceType = body.Filters?.find((f) => f.Field === 'instanceType' || f.Field === 'instanceName')?.Value ?? '';
      const pages = options.pages[instanceType] ?? [[]];
      const index = body.NextToken ? Number(body.NextToken.replace('page-', '')) : 0;
      const items = pages[index] ?? [];
      const next = index + 1 < pages.length ? `page-${index + 1}` : undefined;
      send(200, {
        FormatVersion: 'aws_v1',
        // The real API returns each product as a JSON string, not an object.
        PriceList: items.map((item) => JSON.stringify(item)),
        ...(next ? { NextToken: next } : {}),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
