/** RFC 4180 CSV of a { columns, rows } table: every cell quoted when it holds a comma, quote or newline. */
export function toCsv(t) {
  const cell = (v) => {
    const s = String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [t.columns, ...t.rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** Every table of a view model, named for files: [{ name, table }]. */
export function viewTables(vm) {
  const out = [];
  const add = (name, t) => {
    if (t && t.columns) out.push({ name, table: t });
  };
  for (const [key, chart] of Object.entries(vm.charts ?? {})) add(key, chart.table);
  if (vm.stages) add('stages', vm.stages.chart.table);
  for (const key of ['coldStart', 'failures', 'environment', 'ranked', 'candidates']) add(key, vm[key]);
  if (vm.week?.table) add('week-instances', vm.week.table);
  for (const [i, p] of (vm.pairs ?? []).entries()) add(`pair-${i + 1}`, p.table);
  return out;
}
