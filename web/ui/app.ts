import { indexView } from '../lib/indexView.js';
import { parseSla } from '../lib/sla.js';
import { dataTable, h } from './dom.js';
import { newContext } from './figures.js';
import { followRun } from './live.js';
import { indexPage } from './pages.js';
import { renderCompare, renderDocument, safeId } from './render.js';
import type { DocumentEntry, ProfileResult, Sla, Table } from '../lib/types.js';

/** What an export carries in <script id="cp-data">. */
interface ExportData {
  sla: Sla | null;
  documents: DocumentEntry[];
  provenance: Table;
}

const isProfile = (e: DocumentEntry): e is { id: string; doc: ProfileResult } => e.doc.kind === 'profile-result';

/**
 * The report's entry point, for the served pages and the exported file alike: an export carries
 * its documents in <script id="cp-data" type="application/json">; a served page reads them from the
 * documents API. Either way the same view models and page functions draw them.
 */

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = (await res.json()) as T & { error?: { message?: string } };
  if (!res.ok) throw new Error(body?.error?.message ?? `${url}: HTTP ${res.status}`);
  return body;
}

type Fetched = { document: DocumentEntry['doc'] };

async function renderServed(root: HTMLElement): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The page's ?sla= first, else the server's (serve --sla).
  const sla = parseSla(params.get('sla')) ?? (await getJson<{ sla: Sla | null }>('/api/config')).sla;
  const [, page, rawId] = location.pathname.split('/');
  const id = rawId ? decodeURIComponent(rawId) : null;
  if (!page) {
    const list = await getJson<{ documents: { id: string }[] }>('/api/documents');
    const entries = await Promise.all(list.documents.map(async (d) => ({ id: d.id, doc: (await getJson<Fetched>(`/api/documents/${encodeURIComponent(d.id)}`)).document })));
    root.append(indexPage(indexView(entries), newContext('index', null)));
    return;
  }
  if (page === 'live') {
    followRun(root, id ?? '', { sla });
    return;
  }
  if (page === 'compare') {
    const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
    const entries = await Promise.all(ids.map(async (i) => ({ id: i, doc: (await getJson<Fetched>(`/api/documents/${encodeURIComponent(i)}`)).document })));
    renderCompare(root, entries.filter(isProfile));
    return;
  }
  const docId = id ?? '';
  const { document: doc } = await getJson<Fetched>(`/api/documents/${encodeURIComponent(docId)}`);
  document.title = `${'name' in doc ? doc.name : docId} · capacity-plan`;
  renderDocument(root, docId, doc, { sla });
}

function renderExport(root: HTMLElement, data: ExportData): void {
  const sla = data.sla ?? null;
  const profiles = data.documents.filter(isProfile);
  // A what-if opens the report: its waterfall is the answer, the profiles its evidence.
  const whatifs = data.documents.filter((e) => e.doc.kind === 'whatif');
  root.append(
    h('nav', { class: 'toc', 'aria-label': 'Report contents' }, h('ul', {}, [
      profiles.length >= 2 ? h('li', {}, h('a', { href: '#compare-section' }, 'Comparison')) : null,
      ...data.documents.map((e) => h('li', {}, h('a', { href: `#doc-${safeId(e.id)}` }, `${e.doc.kind}: ${'name' in e.doc ? e.doc.name : e.id}`))),
    ])),
  );
  for (const e of whatifs) {
    const box = h('div', { id: `doc-${safeId(e.id)}` });
    root.append(box);
    renderDocument(box, e.id, e.doc, { sla });
  }
  if (profiles.length >= 2) {
    const box = h('div', { id: 'compare-section' });
    root.append(box);
    renderCompare(box, profiles);
  }
  for (const e of data.documents.filter((d) => d.doc.kind !== 'whatif')) {
    const box = h('div', { id: `doc-${safeId(e.id)}` });
    root.append(box);
    renderDocument(box, e.id, e.doc, { sla });
  }
  root.append(h('details', { class: 'provenance-block' }, h('summary', {}, 'Provenance'), dataTable(data.provenance, null, 'provenance')));
}

async function main(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const embedded = document.getElementById('cp-data');
    if (embedded) renderExport(root, JSON.parse(embedded.textContent ?? '{}') as ExportData);
    else await renderServed(root);
  } catch (error) {
    root.append(h('p', { class: 'error', role: 'alert' }, `Could not show this report: ${error instanceof Error ? error.message : String(error)}`));
  }
  document.body.dataset.ready = 'true';
}

void main();
