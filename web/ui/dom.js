import { toCsv } from '../lib/csv.js';

/**
 * The one way the report makes DOM: elements with text nodes, never innerHTML, so a document's
 * names (a model called `<script>`) are always shown as text.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** A data table from { columns, rows }, with a caption and a CSV download button. */
export function dataTable(t, caption, csvName) {
  const el = h(
    'table',
    {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, t.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, t.rows.map((r) => h('tr', {}, r.map((cell, i) => (i === 0 ? h('th', { scope: 'row' }, cell) : h('td', {}, cell)))))),
  );
  return h('div', { class: 'table-wrap' }, el, csvName ? csvButton(t, csvName) : null);
}

export function csvButton(t, name) {
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

