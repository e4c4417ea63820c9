/**
 * Text from documents, configs and agent output is data, not terminal commands. Every text-mode renderer writes
 * through safeTerminalText: C0 controls other than newline and tab (ESC starts every escape sequence, a lone CR
 * overwrites the line), DEL, C1 controls and the bidirectional overrides and isolates (which reorder what the
 * operator reads) are shown escaped as `\xNN` / `\uNNNN`. JSON output is not touched: it stays exact.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escaped = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

export function safeTerminalText(text: string): string {
  // CRLF line ends (documents written on Windows) are line ends, not a carriage return to show.
  return text.replace(/\r\n/g, '\n').replace(UNSAFE, escaped);
}
