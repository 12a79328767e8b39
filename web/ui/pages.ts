import type { compareView } from '../lib/compareView.js';
import type { indexView } from '../lib/indexView.js';
import type { planView } from '../lib/planView.js';
import type { profileView, StageBreakdown } from '../lib/profileView.js';
import { statusMark } from '../lib/status.js';
import type { sweepView } from '../lib/sweepView.js';
import type { VerdictStatus } from '../lib/types.js';
import type { verificationView } from '../lib/verificationView.js';
import { dataTable, h, heatTable } from './dom.js';
import { chartFigure, section, type RenderContext } from './figures.js';
import { purchaseSection } from './purchaseSection.js';

/** Page bodies from view models. Each returns one element; charts wait in ctx.charts. */

export function profilePage(vm: ReturnType<typeof profileView>, ctx: RenderContext): HTMLElement {
  const p = ctx.prefix;
  return h(
    'article',
    { class: 'page profile', 'data-doc': ctx.docId },
    h('h1', {}, 'Profile: ', vm.title),
    h('p', { class: 'subtitle' }, vm.subtitle),
    h('p', { class: 'provenance' }, vm.provenance),
    verdictBlock(vm.verdict.sentence, vm.verdict.status, vm.verdict.detected, p),
    h('dl', { class: 'kpis' }, vm.kpis.map((k) => h('div', { class: 'kpi', 'data-kpi': k.id }, h('dt', {}, k.label), h('dd', {}, k.text)))),
    section('Stage breakdown', `${p}-stages`, vm.stages.rows.length > 0 ? chartFigure(vm.stages.chart, ctx) : h('p', {}, 'No stage times in this document.'), stageNote(vm.stages)),
    section('Latency per window', `${p}-latency-s`, chartFigure(vm.charts.latency, ctx)),
    section('Throughput per window', `${p}-throughput-s`, chartFigure(vm.charts.throughput, ctx)),
    vm.charts.stagesPerWindow ? section('Stages per window', `${p}-stages-window-s`, chartFigure(vm.charts.stagesPerWindow, ctx)) : null,
    section('Latency by percentile', `${p}-distribution-s`, chartFigure(vm.charts.distribution, ctx)),
    section('Batch sizes', `${p}-batches-s`, chartFigure(vm.charts.batches, ctx)),
    section('Utilisation', `${p}-utilisation-s`, chartFigure(vm.charts.utilisation, ctx)),
    section('Failures', `${p}-failures`, vm.failures.rows.length > 0 ? dataTable(vm.failures, 'Failures by reason', `${ctx.docId}-failures`) : h('p', {}, 'No failed requests.')),
    section('Warnings', `${p}-warnings`, vm.warnings.length > 0 ? h('ul', {}, vm.warnings.map((w) => h('li', {}, w))) : h('p', {}, 'None.')),
    section('Cold start', `${p}-coldstart`, dataTable(vm.coldStart, null, `${ctx.docId}-cold-start`)),
    h('details', { class: 'environment' }, h('summary', {}, 'Environment and spec'), dataTable(vm.environment, null, `${ctx.docId}-environment`)),
  );
}

function stageNote(stages: StageBreakdown): HTMLElement | null {
  if (stages.offByPct === null) return null;
  return h('p', { class: 'note' }, `Stage means sum to ${stages.sumMeanMs.toFixed(2)} ms; the ${stages.reference} mean is ${stages.referenceMeanMs.toFixed(2)} ms (${stages.offByPct >= 0 ? '+' : ''}${stages.offByPct.toFixed(2)}%).`);
}

export function verdictBlock(sentence: string, status: VerdictStatus, detected: readonly { text: string; target: string }[], prefix: string): HTMLElement {
  return h(
    'div',
    { class: `verdict ${status}`, role: 'status', 'data-status': status },
    h('p', { class: 'sentence' }, statusMark(status), ' ', sentence),
    detected.length > 0 ? h('ul', { class: 'detected' }, detected.map((d) => h('li', {}, h('a', { href: `#${prefix}-${d.target}${d.target === 'latency' || d.target === 'throughput' ? '-s' : ''}` }, d.text)))) : null,
  );
}

export function sweepPage(vm: ReturnType<typeof sweepView>, ctx: RenderContext): HTMLElement {
  return h(
    'article',
    { class: 'page sweep', 'data-doc': ctx.docId },
    h('h1', {}, 'Sweep: ', vm.title),
    verdictBlock(vm.verdict, vm.status, vm.detected, ctx.prefix),
    vm.charts.capacityEstimate
      ? section(
          'Capacity with its interval',
          `${ctx.prefix}-capacity-estimate-s`,
          chartFigure(vm.charts.capacityEstimate, ctx),
          h('p', { class: 'note' }, 'Dots: each run (hollow: left out, the host was busy). Line: the rate\'s pooled percentile; dashed: its 90% interval. Star: the capacity where the fitted curve crosses the SLA; dashed verticals: its 90% interval.'),
        )
      : null,
    section('Capacity curves', `${ctx.prefix}-capacity-s`, chartFigure(vm.charts.capacity, ctx), h('p', { class: 'note' }, 'Filled markers: stable points; hollow: unstable. The star marks each configuration\'s capacity at the SLA; the dashed line is the SLA.')),
    section('Configurations, ranked', `${ctx.prefix}-ranked`, dataTable(vm.ranked, null, `${ctx.docId}-ranked`)),
  );
}

export function planPage(vm: ReturnType<typeof planView>, ctx: RenderContext): HTMLElement {
  return h(
    'article',
    { class: 'page plan', 'data-doc': ctx.docId },
    h('h1', {}, 'Plan: ', vm.title),
    verdictBlock(vm.recommendation, vm.status, vm.warnings.map((w) => ({ text: `Detected: ${w}`, target: 'warnings' })), ctx.prefix),
    h('p', { class: 'note' }, 'Traffic: ', vm.traffic, '. ', vm.prices),
    section('Candidates', `${ctx.prefix}-candidates`, dataTable(vm.candidates, null, `${ctx.docId}-candidates`)),
    section(
      'The week',
      `${ctx.prefix}-week-s`,
      vm.charts.week ? chartFigure(vm.charts.week, ctx) : h('p', {}, 'This plan has no hourly figures (written before schema version 2).'),
      vm.week.available && vm.week.table ? heatTable(dataTable(vm.week.table, `Instances per hour for ${vm.week.candidate} (UTC)`, `${ctx.docId}-week-instances`), vm.week.min ?? 0, vm.week.max ?? 0) : null,
    ),
    section('Cost', `${ctx.prefix}-cost-s`, chartFigure(vm.charts.cost, ctx)),
    purchaseSection(vm.purchase, ctx),
    vm.comparisons.length > 0 ? section('Comparison', `${ctx.prefix}-comparison`, h('ul', {}, vm.comparisons.map((s) => h('li', {}, s)))) : null,
    vm.warnings.length > 0 ? section('Warnings', `${ctx.prefix}-warnings`, h('ul', {}, vm.warnings.map((w) => h('li', {}, w)))) : null,
  );
}

export function verificationPage(vm: ReturnType<typeof verificationView>, ctx: RenderContext): HTMLElement {
  return h(
    'article',
    { class: 'page verification', 'data-doc': ctx.docId },
    h('h1', {}, 'Verification: ', vm.title),
    verdictBlock(vm.verdict.sentence, vm.verdict.status, [], ctx.prefix),
    h('p', { class: 'note' }, vm.setup),
    section('Trials', `${ctx.prefix}-trials-s`, chartFigure(vm.charts.trials, ctx)),
  );
}

export function comparePage(vm: ReturnType<typeof compareView>, ctx: RenderContext): HTMLElement {
  return h(
    'article',
    { class: 'page compare', 'data-doc': ctx.docId },
    h('h1', {}, 'Compare: ', vm.names.join(' vs ')),
    vm.pairs.map((pair, i) =>
      section(
        `${pair.b} against ${pair.a}`,
        `${ctx.prefix}-pair-${i + 1}`,
        verdictBlock(pair.verdict, pair.status, [], ctx.prefix),
        pair.notes.length > 0 ? h('ul', { class: 'notes' }, pair.notes.map((n) => h('li', {}, n))) : null,
        pair.warnings.length > 0 ? h('ul', { class: 'warnings' }, pair.warnings.map((w) => h('li', {}, '⚠ ', w))) : null,
        dataTable(pair.table, "A | B | Δ | × | better: a winner only when the larger figure is more than 1.05× the smaller and (with 3 or more per-window samples a side) Welch's t-test gives p < 0.05", `${ctx.docId}-pair-${i + 1}`),
      ),
    ),
    section('Latency by percentile', `${ctx.prefix}-cdist`, chartFigure(vm.charts.distribution, ctx)),
    section('Stages', `${ctx.prefix}-cstages`, chartFigure(vm.charts.stages, ctx)),
  );
}

export function indexPage(vm: ReturnType<typeof indexView>, ctx: RenderContext): HTMLElement {
  const boxes: HTMLInputElement[] = [];
  const compare = h(
    'button',
    {
      type: 'button',
      onclick: () => {
        const ids = boxes.filter((b) => b.checked).map((b) => b.value);
        if (ids.length >= 2) location.assign(`/compare?ids=${ids.map(encodeURIComponent).join(',')}`);
      },
    },
    'Compare selected profiles',
  );
  return h(
    'article',
    { class: 'page index' },
    h('h1', {}, 'Documents'),
    vm.rows.length === 0 ? h('p', {}, 'No documents found.') : null,
    h(
      'table',
      { class: 'documents' },
      h('thead', {}, h('tr', {}, ['', 'kind', 'name', 'model', 'instance type', 'provider', 'time', 'verdict'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        vm.rows.map((r) => {
          const box = r.kind === 'profile-result' ? h('input', { type: 'checkbox', value: r.id, 'aria-label': `select ${r.name} for comparison` }) : null;
          if (box) boxes.push(box);
          return h('tr', {}, h('td', {}, box), h('td', {}, r.kind), h('th', { scope: 'row' }, h('a', { href: r.href }, r.name)), h('td', {}, r.model), h('td', {}, r.instanceType), h('td', {}, r.provider), h('td', {}, r.time), h('td', {}, r.verdict));
        }),
      ),
    ),
    vm.profileIds.length >= 2 ? compare : null,
    ctx.note ? h('p', { class: 'note' }, ctx.note) : null,
  );
}
