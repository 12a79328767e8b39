import { indexView } from '../lib/indexView.js';
import { parseSla } from '../lib/sla.js';
import { dataTable, h } from './dom.js';
import { newContext } from './figures.js';
import { followRun } from './live.js';
import { indexPage } from './pages.js';
import { renderCompare, renderDocument, safeId } from './render.js';

/**
 * The report's entry point, for the served pages and the exported file alike: an export carries
 * its documents in <script id="cp-data" type="application/json">; a served page reads them from the
 * documents API. Either way the same view models and page functions draw them.
 */

async function getJson(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body?.error?.message ?? `${url}: HTTP ${res.status}`);
  return body;
}

async function renderServed(root) {
  const params = new URLSearchParams(location.search);
  // The page's ?sla= first, else the server's (serve --sla).
  const sla = parseSla(params.get('sla')) ?? (await getJson('/api/config')).sla;
  const [, page, rawId] = location.pathname.split('/');
  const id = rawId ? decodeURIComponent(rawId) : null;
  if (!page) {
    const list = await getJson('/api/documents');
    const entries = await Promise.all(list.documents.map(async (d) => ({ id: d.id, doc: (await getJson(`/api/documents/${encodeURIComponent(d.id)}`)).document })));
    root.append(indexPage(indexView(entries), newContext('index', null)));
    return;
  }
  if (page === 'live') {
    followRun(root, id, { sla });
    return;
  }
  if (page === 'compare') {
    const ids = (params.get('ids') ?? '').split(',').filter(Boolean);
    const entries = await Promise.all(ids.map(async (i) => ({ id: i, doc: (await getJson(`/api/documents/${encodeURIComponent(i)}`)).document })));
    renderCompare(root, entries);
    return;
  }
  const { document: doc } = await getJson(`/api/documents/${encodeURIComponent(id)}`);
  document.title = `${doc.name ?? id} · capacity-plan`;
  renderDocument(root, id, doc, { sla });
}

function renderExport(root, data) {
  const sla = data.sla ?? null;
  const profiles = data.documents.filter((e) => e.doc.kind === 'profile-result');
  // A what-if opens the report: its waterfall is the answer, the profiles its evidence.
  const whatifs = data.documents.filter((e) => e.doc.kind === 'whatif');
  root.append(
    h('nav', { class: 'toc', 'aria-label': 'Report contents' }, h('ul', {}, [
      profiles.length >= 2 ? h('li', {}, h('a', { href: '#compare-section' }, 'Comparison')) : null,
      ...data.documents.map((e) => h('li', {}, h('a', { href: `#doc-${safeId(e.id)}` }, `${e.doc.kind}: ${e.doc.name ?? e.id}`))),
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

async function main() {
  const root = document.getElementById('app');
  try {
    const embedded = document.getElementById('cp-data');
    if (embedded) renderExport(root, JSON.parse(embedded.textContent));
    else await renderServed(root);
  } catch (error) {
    root.append(h('p', { class: 'error', role: 'alert' }, `Could not show this report: ${error.message}`));
  }
  document.body.dataset.ready = 'true';
}

main();
