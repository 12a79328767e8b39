import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the EC2 instance metadata service, speaking IMDSv2 as EC2 does: PUT
 * /latest/api/token with a TTL header gives a token; GETs without that token get 401; paths not
 * in `metadata` get 404. `mode: 'silent'` accepts connections and never answers.
 */
export interface ImdsStubOptions {
  metadata?: Record<string, string>;
  mode?: 'imdsv2' | 'silent' | 'no-token';
}

export interface ImdsStub {
  endpoint: string;
  requests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export const STUB_TOKEN = 'AQAEAFakeTokenForTests==';

export const P5_METADATA = {
  'instance-type': 'p5.48xlarge',
  'placement/region': 'us-east-2',
  'placement/availability-zone': 'us-east-2b',
};

export async function startImdsStub(options: ImdsStubOptions = {}): Promise<ImdsStub> {
  const metadata: Record<string, string> = options.metadata ?? P5_METADATA;
  const mode = options.mode ?? 'imdsv2';
  const requests: ImdsStub['requests'] = [];

  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (mode === 'silent') return;
    if (req.url === '/latest/api/token') {
      if (mode === 'no-token' || req.method !== 'PUT') {
        res.writeHead(mode === 'no-token' ? 403 : 405).end();
        return;
      }
      if (!req.headers['x-aws-ec2-metadata-token-ttl-seconds']) {
        res.writeHead(400).end('missing TTL');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(STUB_TOKEN);
      return;
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== STUB_TOKEN) {
      res.writeHead(401).end();
      return;
    }
    const prefix = '/latest/meta-data/';
    const value = req.method === 'GET' && req.url?.startsWith(prefix) ? metadata[req.url.slice(prefix.length)] : undefined;
    if (value === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>404 - Not Found</html>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(value);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        // The silent mode holds requests open, and fetch keeps connections alive: drop them all.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: listen, note the port, close. */
export async function closedPortEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
