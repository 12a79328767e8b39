import type { whatifView } from '../lib/whatifView.js';
import { dataTable, h } from './dom.js';
import { chartFigure, section, type RenderContext } from './figures.js';

/** The whatif page: the waterfall beside the stage table, then the settings by cost. */
export function whatifPage(vm: ReturnType<typeof whatifView>, ctx: RenderContext): HTMLElement {
  const p = ctx.prefix;
  return h(
    'article',
    { class: 'page whatif', 'data-doc': ctx.docId },
    h('h1', {}, 'What-if: ', vm.title),
    h('p', { class: 'subtitle' }, vm.subtitle),
    h('div', { class: 'verdict ok', role: 'status' }, h('p', { class: 'sentence' }, vm.headline)),
    h(
      'div',
      { class: 'side-by-side' },
      section('Waterfall', `${p}-waterfall-s`, vm.charts.waterfall ? chartFigure(vm.charts.waterfall, ctx) : h('p', {}, 'A bill is unknown (no capacity met the SLA): no waterfall.')),
      section('Where request time goes', `${p}-stages`, vm.stageShares.rows.length > 0 ? dataTable(vm.stageShares, null, `${ctx.docId}-stages`) : h('p', {}, 'No stage times in this document.')),
    ),
    section('Settings by cost', `${p}-settings`, dataTable(vm.ranked, null, `${ctx.docId}-settings`)),
    vm.notes.length > 0 ? section('Notes', `${p}-notes`, h('ul', {}, vm.notes.map((n) => h('li', {}, n)))) : null,
  );
}
