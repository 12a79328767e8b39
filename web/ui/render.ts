import type { ProfileResult, ReportDocument, Sla } from '../lib/types.js';
import { compareFor, viewFor } from '../lib/views.js';
import { drawCharts, newContext } from './figures.js';
import { findingsPage } from './findingsPage.js';
import { comparePage, planPage, profilePage, sweepPage, verificationPage } from './pages.js';
import { whatifPage } from './whatifPage.js';

/** One document, or a comparison, drawn into root: used by the served pages, the export and the live page. */
export function renderDocument(root: HTMLElement, id: string, doc: ReportDocument, options: { sla?: Sla | null }): void {
  const ctx = newContext(`d-${safeId(id)}`, id);
  const vm = viewFor(doc, options);
  switch (vm.kind) {
    case 'profile':
      root.append(profilePage(vm, ctx));
      break;
    case 'sweep':
      root.append(sweepPage(vm, ctx));
      break;
    case 'plan':
      root.append(planPage(vm, ctx));
      break;
    case 'verification':
      root.append(verificationPage(vm, ctx));
      break;
    case 'whatif':
      root.append(whatifPage(vm, ctx));
      break;
    case 'findings':
      root.append(findingsPage(vm, ctx));
      break;
    default: {
      // Every view kind has its page: a new kind is a type error here, not a blank page.
      const unhandled: never = vm;
      throw new Error(`no page for ${JSON.stringify(unhandled)}`);
    }
  }
  drawCharts(ctx);
}

export function renderCompare(root: HTMLElement, entries: readonly { id: string; doc: ProfileResult }[]): void {
  const ctx = newContext('compare', entries.map((e) => e.id).join('+'));
  root.append(comparePage(compareFor(entries.map((e) => e.doc)), ctx));
  drawCharts(ctx);
}

export const safeId = (id: string): string => String(id).replace(/[^A-Za-z0-9_-]/g, '_');
