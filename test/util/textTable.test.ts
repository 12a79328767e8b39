import { describe, expect, it } from 'vitest';
import { textTable } from '../../src/util/textTable.js';

describe('textTable', () => {
  it('pads columns two spaces apart, right-aligns numbers, trims trailing spaces', () => {
    const text = textTable(
      [
        ['stage', 'ms', 'note'],
        ['infer', '12.5', ''],
        ['deserialize', '0.02', 'x'],
      ],
      { alignRight: [false, true, false] },
    );
    expect(text.split('\n')).toEqual(['stage          ms  note', 'infer        12.5', 'deserialize  0.02  x']);
  });

  it('draws a markdown table with a header rule', () => {
    expect(textTable([['name', 'value'], ['a', '1.00']], { style: 'markdown' }).split('\n')).toEqual([
      '| name | value |',
      '|------|-------|',
      '| a    | 1.00  |',
    ]);
  });

  it('takes ragged rows and no rows', () => {
    expect(textTable([['a', 'bb'], ['ccc']])).toBe('a    bb\nccc');
    expect(textTable([])).toBe('');
  });
});
