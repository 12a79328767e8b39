import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local endpoint that speaks SageMaker Runtime's InvokeEndpoint wire protocol (REST-JSON, as
 * the SDK's deserializer reads it): `POST /endpoints/<name>/invocations` with the body as sent,
 * `Content-Type` / `Accept` / `X-Amzn-SageMaker-Target-Variant` headers; a 200 answer carries the
 * container's body, its Content-Type and `X-Amzn-Invoked-Production-Variant`. Errors carry the
 * `x-amzn-errortype` header and a JSON body:
 * - ThrottlingException, HTTP 400, `{"message": "..."}`;
 * - ModelError, HTTP 424, `{"ErrorCode", "LogStreamArn", "Message", "OriginalMessage", "OriginalStatusCode"}`
 *   (Message as SageMaker words it: "Received server error (500) from primary with message ...");
 * - ValidationError, HTTP 400, for an endpoint that does not exist.
 */

export type FakeAnswer = 'ok' | 'throttle' | 'model-error';

export interface FakeInvocation {
  endpointName: string;
  contentType: string | undefined;
  accept: string | undefined;
  targetVariant: string | undefined;
  authorization: string | undefined;
  bytes: number;
  body: Buffer;
}

export interface FakeSageMakerRuntime {
  url: string;
  invocations: FakeInvocation[];
  close(): Promise<void>;
}

export interface FakeSageMakerOptions {
  /** The endpoints that exist; any other name is a ValidationError. */
  endpoints: string[];
  /** What the n-th invocation (0-based, probes included) gets; default 'ok'. */
  answer?: (index: number) => FakeAnswer;
  /** The 200 body (default: a KServe v2 response naming model 'resnet50' version '1'). */
  body?: string;
  /** Sent as X-Amzn-SageMaker-Custom-Attributes on 200 answers. */
  customAttributes?: string;
  /** The variant that serves requests without a TargetVariant. */
  defaultVariant?: string;
}

const KSERVE_BODY = JSON.stringify({ model_name: 'resnet50', model_version: '1', outputs: [{ name: 'output', datatype: 'FP32', shape: [1, 2], data: [0.25, 0.75] }] });

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeSageMakerRuntime(options: FakeSageMakerOptions): Promise<FakeSageMakerRuntime> {
  const invocations: FakeInvocation[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const error = (status: number, type: string, payload: Record<string, unknown>): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${invocations.length}`, 'x-amzn-errortype': type });
        res.end(JSON.stringify(payload));
      };
      const match = /^\/endpoints\/([^/]+)\/invocations$/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        error(404, 'UnknownOperationException', { message: `no route ${req.method} ${req.url}` });
        return;
      }
      const endpointName = decodeURIComponent(match[1]!);
      const header = (name: string): string | undefined => req.headers[name] as string | undefined;
      const index = invocations.length;
      invocations.push({
        endpointName,
        contentType: header('content-type'),
        accept: header('accept'),
        targetVariant: header('x-amzn-sagemaker-target-variant'),
        authorization: header('authorization'),
        bytes: body.byteLength,
        body,
      });
      if (!options.endpoints.includes(endpointName)) {
        error(400, 'ValidationError', { message: `Endpoint ${endpointName} of account 123456789012 not found.` });
        return;
      }
      const answer = options.answer?.(index) ?? 'ok';
      if (answer === 'throttle') {
        error(400, 'ThrottlingException', { message: 'Rate exceeded' });
        return;
      }
      if (answer === 'model-error') {
        const logs = `/aws/sagemaker/Endpoints/${endpointName}`;
        error(424, 'ModelError', {
          ErrorCode: 'INTERNAL_FAILURE_FROM_MODEL',
          LogStreamArn: `arn:aws:logs:us-east-1:123456789012:log-group:${logs}`,
          Message: `Received server error (500) from primary with message "CUDA out of memory". See https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logEventViewer:group=${logs} in account 123456789012 for more information.`,
          OriginalMessage: 'CUDA out of memory',
          OriginalStatusCode: 500,
        });
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-amzn-requestid': `req-${index}`,
        'x-amzn-invoked-production-variant': header('x-amzn-sagemaker-target-variant') ?? options.defaultVariant ?? 'AllTraffic',
        ...(options.customAttributes ? { 'x-amzn-sagemaker-custom-attributes': options.customAttributes } : {}),
      });
      res.end(options.body ?? KSERVE_BODY);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
