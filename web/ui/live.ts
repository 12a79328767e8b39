import { initialLiveState, reduceLive, type LiveState, type LiveWireEvent } from '../lib/liveReducer.js';
import type { ChartModel, DocumentEntry, ProfileResult, Sla } from '../lib/types.js';
import { liveView } from '../lib/liveView.js';
import { dataTable, h } from './dom.js';
import { Chart, chartFigure, configFor, drawCharts, newContext, theme } from './figures.js';
import { renderCompare, renderDocument } from './render.js';

/**
 * The live page: follows /api/runs/:id/events, folds each event into the live state (the same
 * reducer whatever the order of arrival: live, replayed, or after a reconnect), and redraws at most
 * once a frame. When the run ends (`report`), the page becomes the report of the documents it wrote,
 * drawn by the report's own code, without a reload.
 */
const EVENT_TYPES = ['hello', 'phase', 'progress', 'tick', 'window', 'warning', 'done', 'failed', 'point-start', 'point-done', 'configuration-skipped', 'probe-done', 'search-step', 'report'];

export function followRun(root: HTMLElement, runId: string, options: { sla?: Sla | null } = {}): { state: LiveState; close: () => void } {
  const state = initialLiveState();
  const ui = skeleton(root);
  const figures = new Map<string, HTMLElement>();
  let paused = false;
  let scheduled = false;

  const render = () => {
    scheduled = false;
    if (paused) return;
    const vm = liveView(state, options);
    ui.title.textContent = `Live ${vm.title}`;
    ui.timeline.replaceChildren(...vm.timeline.map((t) => h('li', { class: t.status, 'aria-current': t.status === 'current' ? 'step' : null }, `${t.status === 'done' ? '✓' : t.status === 'current' ? '▶' : '·'} ${t.phase}`)));
    ui.status.textContent = `${vm.phase ?? 'starting'} — ${vm.stability}${vm.running ? ` — ${vm.running}` : ''}${vm.step ? ` — ${vm.step}` : ''}`;
    ui.notes.replaceChildren(...vm.notes.map((n) => h('li', {}, n)));
    ui.progress.value = vm.progress ? vm.progress.pct : 0;
    ui.progressText.textContent = vm.progressText;
    ui.counters.replaceChildren(...vm.counters.map(([k, v]) => h('div', { class: 'kpi', 'data-kpi': k }, h('dt', {}, k), h('dd', {}, v))));
    ui.warnings.replaceChildren(...vm.warnings.map((w) => h('li', {}, '⚠ ', w)));
    if (vm.failed) ui.failed.textContent = `✗ The run failed: ${vm.failed}`;
    for (const [id, model] of Object.entries(vm.charts)) updateChart(ui.charts, figures, id, model);
    document.body.dataset.liveId = String(state.lastId);
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };
  ui.pause.addEventListener('click', () => {
    paused = !paused;
    ui.pause.setAttribute('aria-pressed', String(paused));
    ui.pause.textContent = paused ? 'Resume updates' : 'Pause updates';
    if (!paused) schedule();
  });

  const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message: MessageEvent<string>) => {
      reduceLive(state, Number(message.lastEventId), JSON.parse(message.data) as LiveWireEvent);
      if (type === 'report') {
        source.close();
        becomeReport(root, state.documents, options);
        return;
      }
      schedule();
    });
  }
  source.addEventListener('error', () => {
    // A refused stream (an unknown run: 404) closes for good; a dropped one reconnects by itself
    // and resumes after the last id it saw.
    if (source.readyState === EventSource.CLOSED && state.documents === null) {
      ui.failed.textContent = state.lastId === 0 ? `No live run '${runId}' on this server (it may have ended; its documents are on the index page).` : 'The connection to the run was lost.';
      document.body.dataset.liveError = 'true';
    }
  });
  return { state, close: () => source.close() };
}

function skeleton(root: HTMLElement) {
  const ui = {
    title: h('h1', {}, 'Live run'),
    timeline: h('ol', { class: 'timeline', 'aria-label': 'Phases' }),
    status: h('p', { class: 'status', 'aria-live': 'polite' }),
    progress: h('progress', { max: 100, value: 0, 'aria-label': 'Progress' }),
    progressText: h('span', { class: 'progress-text' }),
    pause: h('button', { type: 'button', 'aria-pressed': 'false' }, 'Pause updates'),
    counters: h('dl', { class: 'kpis' }),
    warnings: h('ul', { class: 'warnings' }),
    notes: h('ul', { class: 'notes', 'aria-label': 'Sweep notes' }),
    failed: h('p', { class: 'error', role: 'alert' }),
    charts: h('div', { class: 'live-charts' }),
  };
  root.append(
    h('article', { class: 'page live' }, ui.title, ui.timeline, h('div', { class: 'live-bar' }, ui.progress, ui.progressText, ui.pause), ui.status, ui.counters, ui.failed, ui.warnings, ui.notes, ui.charts),
  );
  return ui;
}

/** A chart is created once, then its data replaced in place (no animation, no new canvas). */
function updateChart(container: HTMLElement, figures: Map<string, HTMLElement>, id: string, model: ChartModel): void {
  const existing = figures.get(id);
  if (!existing) {
    const ctx = newContext(`live-${id}`, 'live');
    const figure = chartFigure(model, ctx);
    container.append(figure);
    drawCharts(ctx);
    figures.set(id, figure);
    return;
  }
  const canvas = existing.querySelector('canvas')!;
  const chart = Chart().getChart(canvas);
  if (chart) {
    chart.data = configFor(model, theme()).data;
    chart.update('none');
  }
  canvas.setAttribute('aria-label', `${model.title}: ${model.finding}`);
  existing.querySelector('.finding')!.textContent = model.finding;
  existing.querySelector('details .table-wrap')!.replaceWith(dataTable(model.table, null, `live-${model.id}`));
}

function becomeReport(root: HTMLElement, documents: LiveState['documents'], options: { sla?: Sla | null }): void {
  const docs = documents ?? [];
  if (docs.length === 0) {
    // A failed run: the live view (with the failure) stays.
    root.append(h('p', { class: 'error', role: 'alert' }, 'The run ended without a document.'));
    document.body.dataset.report = 'none';
    return;
  }
  root.replaceChildren();
  const entries: DocumentEntry[] = docs.map((d) => ({ id: d.id, doc: d.document }));
  const profiles = entries.filter((e): e is { id: string; doc: ProfileResult } => e.doc.kind === 'profile-result');
  if (profiles.length >= 2) renderCompare(root, profiles);
  for (const e of entries) renderDocument(root, e.id, e.doc, options);
  document.body.dataset.report = 'true';
}
