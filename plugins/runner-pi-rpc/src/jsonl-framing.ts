import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into JSONL records on `\n` only (pi's framing rule): a JSON string may hold
 * U+2028/U+2029, which Node's readline would wrongly treat as line breaks. A trailing `\r` is dropped,
 * blank lines are skipped, multi-byte characters split across chunks are reassembled.
 */
export class JsonlSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';

  push(chunk: Uint8Array | string): string[] {
    this.buffer += typeof chunk === 'string' ? chunk : this.decoder.write(Buffer.from(chunk));
    const lines: string[] = [];
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      lines.push(this.buffer.slice(0, newline));
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
    }
    return clean(lines);
  }

  /** End of stream: an unterminated last record still counts. */
  end(): string[] {
    const rest = this.buffer + this.decoder.end();
    this.buffer = '';
    return clean([rest]);
  }
}

function clean(lines: string[]): string[] {
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)).filter((line) => line.trim().length > 0);
}
