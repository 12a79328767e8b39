import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagePart, parseMultipart } from '../../../src/server/agent/multipart.js';
import { fetchJson, photoJpeg, postImage, startTinyAgent } from '../../support/agentHarness.js';
import { makeTempDir } from '../../support/tempDir.js';

/** multipart/form-data uploads (curl -F, TorchServe's usual form) give the same answer as the raw image. */

let temp: Awaited<ReturnType<typeof makeTempDir>>;
let agent: Awaited<ReturnType<typeof startTinyAgent>>;
let jpeg: Buffer;

beforeAll(async () => {
  temp = await makeTempDir('cp-agent-multipart-');
  agent = await startTinyAgent(temp.dir);
  jpeg = await photoJpeg(7, 96, 64);
});
afterAll(async () => {
  await agent?.close();
  await temp?.remove();
});

function form(parts: { name: string; filename?: string; type?: string; body: Buffer | string }[], boundary = 'XyZ123'): { contentType: string; body: Buffer } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const filename = p.filename ? `; filename="${p.filename}"` : '';
    const type = p.type ? `\r\nContent-Type: ${p.type}` : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${filename}${type}\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

describe('multipart parsing', () => {
  it('finds the parts and their bytes exactly (a view, CRLFs inside the file kept)', () => {
    const file = Buffer.from('ab\r\n--not-the-boundary\r\ncd');
    const { contentType, body } = form([{ name: 'note', body: 'hi' }, { name: 'data', filename: 'x.jpg', type: 'image/jpeg', body: file }]);
    const parts = parseMultipart(body, 'XyZ123');
    expect(parts.map((p) => [p.name, p.filename, p.contentType, p.body.toString()])).toEqual([
      ['note', undefined, 'application/octet-stream', 'hi'],
      ['data', 'x.jpg', 'image/jpeg', file.toString()],
    ]);
    expect(imagePart(body, contentType).name).toBe('data');
  });

  it('no boundary, or no file part: a 400 saying what to send', () => {
    expect(() => imagePart(Buffer.from('x'), 'multipart/form-data')).toThrow('multipart/form-data without a boundary parameter');
    const { contentType, body } = form([{ name: 'a', body: '1' }, { name: 'b', body: '2' }]);
    expect(() => imagePart(body, contentType)).toThrow('no image in the form: send it as a file part named data, file or image (parts: a, b)');
  });
});

describe('agent: POST /v1/infer with multipart/form-data', () => {
  it('curl -F data=@cat.jpg: the same prediction as the raw JPEG', async () => {
    const raw = await postImage(`${agent.url}/v1/infer`, 'image/jpeg', jpeg);
    const { contentType, body } = form([{ name: 'data', filename: 'cat.jpg', type: 'image/jpeg', body: jpeg }]);
    const multipart = await postImage(`${agent.url}/v1/infer`, contentType, body);
    expect(multipart.status).toBe(200);
    expect(multipart.body.prediction).toEqual(raw.body.prediction);
  });

  it("a browser's FormData (fetch picks the boundary)", async () => {
    const data = new FormData();
    data.append('file', new Blob([jpeg], { type: 'image/jpeg' }), 'cat.jpg');
    const response = await fetchJson(`${agent.url}/v1/infer`, { method: 'POST', body: data });
    expect(response.status).toBe(200);
    expect(response.body.prediction.top).toHaveLength(5);
  });

  it('a form without an image: 400 JSON naming the parts', async () => {
    const { contentType, body } = form([{ name: 'text', body: 'hello' }, { name: 'other', body: 'x' }]);
    const response = await postImage(`${agent.url}/v1/infer`, contentType, body);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/^no image in the form/);
  });
});
