import { BoundedLineSplitter, type OversizedLine } from '@millrace/plugin-api/agent-output';

/**
 * Splits a byte stream into JSONL records on `\n` only (pi's framing rule): a JSON string may hold
 * U+2028/U+2029, which Node's readline would wrongly treat as line breaks. A trailing `\r` is dropped,
 * blank lines are skipped, multi-byte characters split across chunks are reassembled. A record over the line limit
 * is never held in memory: it comes out as an OversizedLine.
 */
export class JsonlSplitter {
  private readonly lines: BoundedLineSplitter;

  constructor(maxLineChars?: number) {
    this.lines = new BoundedLineSplitter(maxLineChars);
  }

  push(chunk: Uint8Array | string): Array<string | OversizedLine> {
    return clean(this.lines.push(chunk));
  }

  /** End of stream: an unterminated last record still counts. */
  end(): Array<string | OversizedLine> {
    return clean(this.lines.end());
  }
}

function clean(lines: Array<string | OversizedLine>): Array<string | OversizedLine> {
  const records: Array<string | OversizedLine> = [];
  for (const line of lines) {
    if (typeof line !== 'string') records.push(line);
    else if (line.trim().length > 0) records.push(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
  return records;
}
