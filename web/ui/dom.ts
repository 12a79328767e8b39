import { toCsv } from '../lib/csv.js';
import type { Table } from '../lib/types.js';

export type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/**
 * The one way the report makes DOM: elements with text nodes, never innerHTML, so a document's
 * names (a model called `<script>`) are always shown as text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = String(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Child[]): void {
  for (const child of children.flat(Infinity as 1) as (Node | string | number | null | undefined | false)[]) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A data table from { columns, rows }, with a caption and a CSV download button. */
export function dataTable(t: Table, caption: string | null, csvName: string | null): HTMLDivElement {
  const el = h(
    'table',
    {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, t.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, t.rows.map((r) => h('tr', {}, r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))),
  );
  return h('div', { class: 'table-wrap' }, el, csvName ? csvButton(t, csvName) : null);
}

export function csvButton(t: Table, name: string): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'csv',
      onclick: () => {
        const url = URL.createObjectURL(new Blob([toCsv(t)], { type: 'text/csv' }));
        const a = h('a', { href: url, download: `${name}.csv` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      },
    },
    'Download CSV',
  );
}


/** Shades a 7x24 table's cells by their number (classes, not inline styles: the CSP); the number stays the signal, '–' stays plain. */
export function heatTable(wrap: HTMLElement, min: number, max: number): HTMLElement {
  for (const td of wrap.querySelectorAll('tbody td')) {
    const n = Number(td.textContent);
    if (!Number.isFinite(n) || td.textContent === '–') continue;
    const level = max > min ? Math.round(((n - min) / (max - min)) * 4) : 0;
    td.classList.add('heat', `heat-${level}`);
  }
  return wrap;
}
