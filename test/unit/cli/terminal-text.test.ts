import { safeTerminalText } from '../../../src/cli/terminal-text.js';

describe('safeTerminalText', () => {
  it('escapes C0 controls other than newline and tab, ESC sequences, DEL, C1 controls and bidi overrides', () => {
    expect(safeTerminalText('a\tb\nc')).toBe('a\tb\nc');
    expect(safeTerminalText('\u001b[2J\u001b]0;pwned\u0007title')).toBe('\\x1b[2J\\x1b]0;pwned\\x07title');
    expect(safeTerminalText('ok\rFAKE')).toBe('ok\\x0dFAKE');
    expect(safeTerminalText('line\r\nnext')).toBe('line\nnext');
    expect(safeTerminalText('\u0000\u007f\u009b31m\u0085')).toBe('\\x00\\x7f\\x9b31m\\x85');
    expect(safeTerminalText('user\u202egnp.exe \u2066x\u2069 \u200f')).toBe('user\\u202egnp.exe \\u2066x\\u2069 \\u200f');
    expect(safeTerminalText('Ünïcödé ✓ 日本')).toBe('Ünïcödé ✓ 日本');
  });
});
