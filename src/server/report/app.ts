import { timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { DocumentStore } from './documentStore.js';
import { ID_PATTERN } from './documentStore.js';
import { ReportHttpError } from './httpError.js';
import { chartJsPath, WEB_DIST_DIR } from './webAssets.js';

/**
 * The report server's routes: the documents API, the pages (one shell, report.html, whose
 * script reads the URL), the bundled browser script from dist/web, and chart.js from node_modules. Every
 * response carries a CSP of default-src 'self': the pages load no inline script and nothing from
 * another origin. Extra routes (the live runs' event streams) are mounted by `extend`.
 */
export interface ReportAppOptions {
  store: DocumentStore;
  /** Required on every request when set (the server is bound beyond loopback). */
  token?: string;
  /** Loopback binding: only Host headers naming loopback are answered (DNS rebinding). */
  loopbackOnly?: boolean;
  webDir?: string;
  /** The SLA pages draw when their URL names none (`serve --sla`). */
  sla?: { percentile: string; maxLatencyMs: number } | null;
  extend?: (app: Express) => void;
}

export const CSP = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const TOKEN_COOKIE = 'cp_token';
/** Every page the report serves at /<page>/:id (PAGE_OF_KIND's pages and the live view). */
export const REPORT_PAGES = ['profile', 'sweep', 'plan', 'verification', 'whatif', 'findings', 'live'];

export function createReportApp(options: ReportAppOptions): Express {
  const webDir = options.webDir ?? WEB_DIST_DIR;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req, res, next) => {
    res.set({
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    if (options.loopbackOnly && !isLoopbackHost(req.headers.host)) {
      throw new ReportHttpError(421, 'misdirected', 'this server answers only requests addressed to 127.0.0.1, localhost or [::1]');
    }
    next();
  });
  if (options.token) app.use(requireToken(options.token));

  app.get('/api/config', (_req, res) => {
    res.json({ sla: options.sla ?? null });
  });
  app.get('/api/documents', (_req, res) => {
    res.json({
      documents: options.store.list().map((e) => ({ id: e.id, kind: e.kind, name: nameOf(e.doc), path: e.path, sha256: e.sha256, createdAt: e.doc.createdAt })),
    });
  });
  app.get('/api/documents/:id', (req, res) => {
    const id = String(req.params.id);
    if (!ID_PATTERN.test(id)) throw new ReportHttpError(400, 'bad_id', `'${id}' is not a document id (letters, digits, '.', '-', '_')`);
    const entry = options.store.get(id);
    if (!entry) throw new ReportHttpError(404, 'not_found', `no document with id '${id}'; GET /api/documents lists them`);
    res.json({ id: entry.id, kind: entry.kind, path: entry.path, sha256: entry.sha256, document: entry.doc });
  });
  options.extend?.(app);
  app.use('/api', (req) => {
    throw new ReportHttpError(404, 'not_found', `no API route for ${req.method} ${req.originalUrl}`);
  });

  const shell: RequestHandler = (_req, res) => res.sendFile('report.html', { root: webDir, headers: { 'Cache-Control': 'no-cache' } });
  app.get('/', shell);
  app.get('/compare', shell);
  for (const page of REPORT_PAGES) app.get(`/${page}/:id`, shell);
  app.get('/vendor/chart.umd.min.js', (_req, res) => res.sendFile(chartJsPath(), { headers: { 'Cache-Control': 'no-cache' } }));
  app.use('/static', express.static(webDir, { index: false, dotfiles: 'ignore', fallthrough: true, etag: false, cacheControl: false }));

  app.use((req) => {
    throw new ReportHttpError(404, 'not_found', `nothing at ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}

function nameOf(doc: { kind: string; name?: string; candidates?: { id: string }[]; candidate?: string; fleet?: { name: string } }): string {
  if (doc.kind === 'verification') return `verify ${doc.candidate ?? ''}`;
  if (doc.kind === 'findings') return `rightsize ${doc.fleet?.name ?? ''}`;
  return doc.name ?? `plan ${doc.candidates?.map((c) => c.id).join(' vs ') ?? ''}`;
}

export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

/**
 * Bearer token, or the cookie a first visit with ?token= sets (a browser cannot add headers to
 * a page load). Compared in constant time.
 */
function requireToken(token: string): RequestHandler {
  const expected = Buffer.from(token);
  const matches = (given: string | undefined): boolean => {
    if (!given) return false;
    const b = Buffer.from(given);
    return b.length === expected.length && timingSafeEqual(b, expected);
  };
  return (req, res, next) => {
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (query !== undefined && matches(query)) {
      res.cookie(TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/' });
      const url = new URL(req.originalUrl, 'http://x');
      url.searchParams.delete('token');
      res.redirect(303, `${url.pathname}${url.search}`);
      return;
    }
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (matches(bearer) || matches(cookieValue(req.headers.cookie, TOKEN_COOKIE))) {
      next();
      return;
    }
    res.set('WWW-Authenticate', 'Bearer');
    throw new ReportHttpError(401, 'unauthorized', 'this report server needs the token it printed at start: Authorization: Bearer <token>, or open the printed URL');
  };
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, _next) => {
  const e =
    error instanceof ReportHttpError
      ? error
      : new ReportHttpError(
          typeof (error as { status?: unknown })?.status === 'number' && (error as { status: number }).status < 500 ? (error as { status: number }).status : 500,
          'error',
          error instanceof Error ? error.message.split('\n', 1)[0]! : String(error),
        );
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(e.status).json({ error: { code: e.code, message: e.message } });
};
