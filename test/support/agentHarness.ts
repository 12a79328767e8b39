import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { ProfileSpec, type ProfileSpecInput } from '../../src/schema/profileSpec.js';
import { startAgent, type RunningAgent } from '../../src/server/agent/agent.js';
import type { AgentOptions } from '../../src/server/agent/options.js';
import { seededRandom } from '../../src/util/random.js';

/**
 * Shared by the agent tests: a temp $CAPACITY_PLAN_HOME (the tiny model is built into it on first
 * use, in milliseconds), an agent on 127.0.0.1:0, and real images made with sharp.
 */

export async function startTinyAgent(
  home: string,
  spec: ProfileSpecInput = {},
  settings: Omit<AgentOptions, 'spec' | 'home'> = {},
): Promise<RunningAgent & { logs: string[] }> {
  const logs: string[] = [];
  const agent = await startAgent({
    spec: ProfileSpec.parse({ ...spec, model: { source: 'tiny' } }),
    home,
    onLog: (line) => logs.push(line),
    ...settings,
  });
  return Object.assign(agent, { logs });
}

/** RGB pixels like a photo: smooth per-channel gradients plus seeded noise (so JPEG has real work). */
function photoPixels(width: number, height: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      pixels[i] = Math.min(255, (x / width) * 200 + random() * 55);
      pixels[i + 1] = Math.min(255, (y / height) * 200 + random() * 55);
      pixels[i + 2] = Math.min(255, ((x + y) / (width + height)) * 200 + random() * 55);
    }
  }
  return pixels;
}

export function photoJpeg(seed = 1, width = 640, height = 480): Promise<Buffer> {
  return sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
}

export function photoPng(seed = 2, width = 320, height = 240): Promise<Buffer> {
  return sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/**
 * A real decompression bomb: a complete, valid 1-bit grayscale PNG of side x side pixels, all
 * black. 20000x20000 is 400 MP (1.2 GB as RGB once decoded) in a ~50 KB file.
 */
export function pngBomb(side = 20_000): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.byteLength);
    const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typeAndData));
    return Buffer.concat([length, typeAndData, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 1; // bit depth
  header[9] = 0; // grayscale; compression, filter and interlace bytes stay 0
  // Each row: filter byte 0, then side/8 bytes of zero bits.
  const rows = Buffer.alloc(side * (1 + Math.ceil(side / 8)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // Tests read answers loosely and check them with expect(), which fails on a wrong shape.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** fetch, then the JSON body (every agent answer is JSON, errors included). */
export async function fetchJson(url: string, init?: RequestInit): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${init?.method ?? 'GET'} ${url} answered ${response.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, body };
}

export function postImage(url: string, contentType: string, body: Buffer | string): Promise<JsonResponse> {
  return fetchJson(url, { method: 'POST', headers: { 'content-type': contentType }, body });
}

/** The value of one Prometheus sample, e.g. metric('x_total{route="/v1/infer",status="200"}'). */
export function sampleValue(metricsText: string, sample: string): number | undefined {
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${sample} `)) return Number(line.slice(sample.length + 1));
  }
  return undefined;
}
