import { chartFigure, section, type RenderContext } from './figures.js';
import { dataTable, h } from './dom.js';
import type { PurchaseViewModel } from '../lib/purchaseView.js';

/** The plan page's "How to buy it" section from purchaseView(); nothing for plans without purchase figures. */
export function purchaseSection(vm: PurchaseViewModel | null, ctx: RenderContext): HTMLElement | null {
  if (!vm) return null;
  return section(
    'How to buy it',
    `${ctx.prefix}-purchase-s`,
    h('p', { class: 'purchase-sentence' }, vm.sentence),
    vm.chart ? chartFigure(vm.chart, ctx) : null,
    dataTable(vm.options, `Each purchase option for ${vm.candidate} at its optimal commitment (instances only, per 730-hour month)`, `${ctx.docId}-purchase-options`),
    vm.spot ? h('p', { class: 'note' }, vm.spot, '.') : null,
  );
}
