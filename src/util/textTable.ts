/**
 * The one text-table renderer for terminal output. `plain`: columns two spaces apart (the CLI's
 * tables); `markdown`: pipes and a header rule (the bench table, pasted into docs as is).
 * Right-aligned columns are for numbers; trailing spaces are trimmed in plain tables.
 */
export interface TextTableOptions {
  /** Per column; default left-aligned. */
  alignRight?: readonly boolean[];
  style?: 'plain' | 'markdown';
}

export function textTable(rows: readonly (readonly string[])[], options: TextTableOptions = {}): string {
  if (rows.length === 0) return '';
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((row) => row[c]?.length ?? 0)));
  const pad = (cell: string, c: number): string => (options.alignRight?.[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!));
  if (options.style === 'markdown') {
    const line = (row: readonly string[]): string => `| ${widths.map((_, c) => pad(row[c] ?? '', c)).join(' | ')} |`;
    return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
  }
  return rows.map((row) => row.map((cell, c) => pad(cell, c)).join('  ').trimEnd()).join('\n');
}
