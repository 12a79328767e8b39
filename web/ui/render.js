import { compareFor, viewFor } from '../lib/views.js';
import { drawCharts, newContext } from './figures.js';
import { comparePage, planPage, profilePage, sweepPage } from './pages.js';
import { whatifPage } from './whatifPage.js';

/** One document, or a comparison, drawn into root: used by the served pages, the export and the live page. */
const PAGES = { 'profile-result': profilePage, 'sweep-result': sweepPage, plan: planPage, whatif: whatifPage };

export function renderDocument(root, id, doc, options) {
  const ctx = newContext(`d-${safeId(id)}`, id);
  root.append(PAGES[doc.kind](viewFor(doc, options), ctx));
  drawCharts(ctx);
}

export function renderCompare(root, entries) {
  const ctx = newContext('compare', entries.map((e) => e.id).join('+'));
  root.append(comparePage(compareFor(entries.map((e) => e.doc)), ctx));
  drawCharts(ctx);
}

export const safeId = (id) => String(id).replace(/[^A-Za-z0-9_-]/g, '_');
