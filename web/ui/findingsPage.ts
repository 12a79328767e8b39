import type { findingsView } from '../lib/findingsView.js';
import { dataTable, h, heatTable } from './dom.js';
import { section, type RenderContext } from './figures.js';
import { verdictBlock } from './pages.js';

/** The findings page: verdict and evidence, the week as heat maps, then each finding with its figures. */
export function findingsPage(vm: ReturnType<typeof findingsView>, ctx: RenderContext): HTMLElement {
  const p = ctx.prefix;
  return h(
    'article',
    { class: 'page findings', 'data-doc': ctx.docId },
    h('h1', {}, 'Findings: ', vm.title),
    verdictBlock(vm.verdict.sentence, vm.verdict.status, vm.warnings.map((w) => ({ text: `Detected: ${w}`, target: 'warnings' })), p),
    h('p', { class: 'evidence' }, vm.evidence),
    h('p', { class: 'note' }, vm.setup),
    section('Summary', `${p}-summary`, dataTable(vm.summary, null, `${ctx.docId}-summary`)),
    section(
      'The week',
      `${p}-week`,
      heatTable(dataTable(vm.week.table, 'Instances needed per hour of the week (UTC; – where the window has no such hour)', `${ctx.docId}-week-instances`), vm.week.min, vm.week.max),
      heatTable(dataTable(vm.weekPeaks.table, 'Peak demand per hour of the week, req/s (UTC)', `${ctx.docId}-week-peak`), vm.weekPeaks.min, vm.weekPeaks.max),
    ),
    section(
      'Findings',
      `${p}-findings`,
      vm.findings.length === 0
        ? h('p', {}, 'No findings: demand, latency and GPU are where the profile says they should be.')
        : vm.findings.map((f, i) =>
            h(
              'section',
              { class: 'finding', 'data-finding': f.finding },
              h('h3', {}, f.finding, ' ', h('span', { class: 'risk' }, `risk ${f.risk} of 4`), ' ', h('span', { class: 'savings' }, f.savings)),
              h('p', {}, f.summary),
              h('p', { class: 'recommendation' }, 'What to do: ', f.recommendation),
              h('p', { class: 'note' }, `Reasons: ${f.reasonCodes}; ${f.hours}.`),
              dataTable(f.evidence, `Evidence for ${f.finding}`, `${ctx.docId}-finding-${i + 1}`),
            ),
          ),
    ),
    vm.warnings.length > 0 ? section('Warnings', `${p}-warnings`, h('ul', {}, vm.warnings.map((w) => h('li', {}, w)))) : null,
  );
}
