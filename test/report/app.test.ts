import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/cli/report.js';
import type { Runtime } from '../../src/cli/runtime.js';
import { loadDocuments } from '../../src/server/report/documentStore.js';
import { escapeJsonForHtml, renderReportHtml } from '../../src/server/report/exportHtml.js';
import { startReportServer, type ReportServer } from '../../src/server/report/server.js';
import { WEB_DIST_DIR } from '../../src/server/report/webAssets.js';
import { InputError } from '../../src/util/errors.js';

const FIXTURES = ['profiles/imported', 'test/fixtures/report'];

let server: ReportServer;
beforeAll(async () => {
  const { store } = await loadDocuments(FIXTURES, process.cwd());
  server = await startReportServer({ store, host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);

describe('report server: documents API', () => {
  it('lists every document of the given directories, v1 and v2 alike, with ids from file names', async () => {
    const res = await get('/api/documents');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { documents: { id: string; kind: string; sha256: string }[] };
    expect(body.documents.map((d) => [d.id, d.kind])).toEqual([
      ['article-torchserve-g4dn', 'profile-result'],
      ['article-triton-g4dn', 'profile-result'],
      ['article-plan', 'plan'],
      ['business-hours-plan', 'plan'],
      ['sweep', 'sweep-result'],
      ['unstable-run', 'profile-result'],
    ]);
    expect(body.documents[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves a document upgraded to the current schema', async () => {
    const body = (await (await get('/api/documents/article-triton-g4dn')).json()) as { document: { schemaVersion: number; latency: { distribution: unknown } } };
    expect(body.document.schemaVersion).toBe(2);
    expect(body.document.latency.distribution).toBeNull();
  });

  it('answers an unknown id with 404 and a bad id with 400, both as JSON', async () => {
    const missing = await get('/api/documents/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: "no document with id 'nope'; GET /api/documents lists them" } });
    const bad = await get('/api/documents/a%20b');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_id');
    const route = await get('/api/nothing');
    expect(route.status).toBe(404);
    expect(route.headers.get('content-type')).toMatch(/json/);
  });

  it("sends CSP default-src 'self' on pages, modules and chart.js from node_modules", async () => {
    const page = await get('/profile/unstable-run');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    const html = await page.text();
    // No inline script on a served page: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    const chart = await get('/vendor/chart.umd.min.js');
    expect(chart.status).toBe(200);
    expect(chart.headers.get('content-type')).toMatch(/javascript/);
    const mod = await get('/static/app.js');
    expect(mod.headers.get('content-type')).toMatch(/javascript/);
    expect((await get('/static/../package.json')).status).toBe(404);
  });

  it('GET /api/config: the default SLA, null unless serve --sla gave one', async () => {
    expect(await (await get('/api/config')).json()).toEqual({ sla: null });
  });

  it('answers only loopback Host headers when bound to loopback', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/api/documents', server.url), { headers: { Host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

describe('report server beyond loopback', () => {
  it('requires the bearer token it prints; ?token= sets a cookie for the browser', async () => {
    const { store } = await loadDocuments(['profiles/imported'], process.cwd());
    const open = await startReportServer({ store, host: '0.0.0.0', port: 0, token: 'secret-token' });
    try {
      expect(open.token).toBe('secret-token');
      const base = open.url.replace('0.0.0.0', '127.0.0.1');
      expect(open.openUrl).toBe(`${open.url}?token=secret-token`);
      const denied = await fetch(`${base}api/documents`);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
      expect((await fetch(`${base}api/documents`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      expect((await fetch(`${base}api/documents`, { headers: { Authorization: 'Bearer secret-token' } })).status).toBe(200);
      const visit = await fetch(`${base}?token=secret-token`, { redirect: 'manual' });
      expect(visit.status).toBe(303);
      expect(visit.headers.get('location')).toBe('/');
      const cookie = visit.headers.get('set-cookie')!;
      expect(cookie).toMatch(/cp_token=secret-token.*HttpOnly.*SameSite=Strict/i);
      expect((await fetch(`${base}api/documents`, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('documents on the command line', () => {
  it('a directory passes over the documents the report does not draw (the shipped metric recording) without a word', async () => {
    const { store, skipped } = await loadDocuments(['profiles/examples'], process.cwd());
    expect(skipped).toEqual([]);
    expect(store.list().some((e) => e.path.includes('defect-classifier-metrics'))).toBe(false);
    // Named on the command line, it is still refused: it is not a report document.
    await expect(loadDocuments(['profiles/examples/defect-classifier-metrics.json'], process.cwd())).rejects.toThrow(/has kind "metric-recording"/);
  });

  it('a named file that is not a document is a one-line InputError', async () => {
    await expect(loadDocuments(['package.json'], process.cwd())).rejects.toThrow(InputError);
    await expect(loadDocuments(['nope.json'], process.cwd())).rejects.toThrow("cannot read 'nope.json': no such file or directory");
  });
});

describe('the exported report', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cp-report-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rt = (): Runtime => ({
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    cwd: process.cwd(),
    home: dir,
    now: () => new Date('2026-01-01T00:00:00Z'),
    signal: new AbortController().signal,
  });

  it('identical inputs give identical bytes', async () => {
    const a = await reportCommand([...FIXTURES], { out: join(dir, 'a.html') }, rt());
    const b = await reportCommand([...FIXTURES], { out: join(dir, 'b.html') }, rt());
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
  });

  it('inlines chart.js and the app, escapes documents, and records versions and sha256s', async () => {
    const { store } = await loadDocuments(['test/fixtures/report/unstable-run.json'], process.cwd());
    const html = renderReportHtml({ entries: store.list(), sla: { percentile: 'p95', maxLatencyMs: 100 } });
    // Booleans, not toMatch on the 300 kB string: a failure message stays readable.
    expect(html.includes('<script>alert')).toBe(false);
    expect(html.includes('<img src=x')).toBe(false);
    expect(html.includes('unstable \\u003cscript\\u003ealert(1)\\u003c/script\\u003e')).toBe(true);
    // Nothing loaded from anywhere: no script src, no stylesheet link; the only link is the empty icon.
    expect(/<script[^>]*\bsrc=|<link\b(?! rel="icon" href="data:,">)/.test(html)).toBe(false);
    const sha = store.list()[0]!.sha256;
    expect(html.includes(`sha256 ${sha}`)).toBe(true);
    expect(/"capacity-plan","\d+\.\d+\.\d+"/.test(html)).toBe(true);
    expect(/"chart\.js","4\.\d+\.\d+"/.test(html)).toBe(true);
  });

  it('escapeJsonForHtml leaves nothing that closes a script and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>&\u2028' };
    const text = escapeJsonForHtml(value);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('report accepts verification documents', async () => {
    const path = await reportCommand(['test/fixtures/report-verification/verify-tiny-triton.json'], { out: join(dir, 'v.html') }, rt());
    expect(readFileSync(path, 'utf8')).toContain('"kind":"verification"');
  });

  it('--csv writes every table of every page', async () => {
    await reportCommand(['test/fixtures/report/sweep.json'], { out: join(dir, 's.html'), csv: join(dir, 'csv') }, rt());
    expect(readFileSync(join(dir, 'csv', 'sweep-ranked.csv'), 'utf8').split('\r\n')[0]).toBe('rank,configuration,params,max req/s at SLA,p95 there,GPU util,stable,meets SLA');
  });
});

describe('the bundled report script (dist/web, esbuild)', () => {
  it('is one classic script with no import or export left, and compiles', () => {
    const script = readFileSync(join(WEB_DIST_DIR, 'app.js'), 'utf8');
    expect(script).not.toMatch(/^\s*(import|export)\b/m);
    expect(() => new Script(script)).not.toThrow();
    // Types only from src/schema: no zod (or any package) in the browser's bundle.
    expect(script).not.toMatch(/node_modules|from "zod"/);
  });

  it('the export is byte-identical for identical inputs', async () => {
    const { store } = await loadDocuments(['test/fixtures/report'], process.cwd());
    const once = renderReportHtml({ entries: store.list(), sla: null });
    expect(renderReportHtml({ entries: store.list(), sla: null })).toBe(once);
  });
});
