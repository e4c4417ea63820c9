import { StringDecoder } from 'node:string_decoder';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** A line longer than the splitter's limit: dropped while it streamed in, never held in memory. */
export type OversizedLine = { readonly oversized: true; readonly length: number };

/** 8 Mi characters: far above any event line a harness prints, far below what would strain the daemon's memory. */
export const DEFAULT_MAX_LINE_CHARS = 8 * 1024 * 1024;
/** DEFAULT_MAX_LINE_CHARS as a message names it (`longer than 8 Mi characters`). */
export const DEFAULT_MAX_LINE_TEXT = `${DEFAULT_MAX_LINE_CHARS / (1024 * 1024)} Mi characters`;

export const isOversizedLine = (line: string | OversizedLine): line is OversizedLine => typeof line !== 'string';

/**
 * Splits an agent's output stream into lines on `\n` only (a JSON string may hold U+2028/U+2029, which readline
 * would treat as line breaks). Multi-byte characters split across chunks are reassembled. Lines come out raw: a
 * trailing `\r` and empty lines are the caller's to handle. Time is linear in the input however long a line is, and
 * memory is bounded: a line over `maxLineChars` is dropped as it arrives and comes out as an OversizedLine.
 */
export class BoundedLineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending: string[] = [];
  private pendingLength = 0;
  /** Characters of the current line dropped so far (the line is over the limit); -1 while it is not. */
  private dropped = -1;

  constructor(private readonly maxLineChars: number = DEFAULT_MAX_LINE_CHARS) {}

  /** The lines this chunk completed. */
  push(chunk: Uint8Array | string): Array<string | OversizedLine> {
    return this.take(typeof chunk === 'string' ? chunk : this.decoder.write(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)), false);
  }

  /** End of stream: an unterminated last line still counts. */
  end(): Array<string | OversizedLine> {
    return this.take(this.decoder.end(), true);
  }

  private take(text: string, final: boolean): Array<string | OversizedLine> {
    const lines: Array<string | OversizedLine> = [];
    let from = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', from)) {
      this.add(text, from, newline);
      lines.push(this.finishLine());
      from = newline + 1;
    }
    this.add(text, from, text.length);
    if (final && (this.pendingLength > 0 || this.dropped >= 0)) lines.push(this.finishLine());
    return lines;
  }

  private add(text: string, from: number, to: number): void {
    const length = to - from;
    if (length === 0) return;
    if (this.dropped >= 0) {
      this.dropped += length;
    } else if (this.pendingLength + length > this.maxLineChars) {
      this.dropped = this.pendingLength + length;
      this.pending = [];
      this.pendingLength = 0;
    } else {
      this.pending.push(from === 0 && to === text.length ? text : text.slice(from, to));
      this.pendingLength += length;
    }
  }

  private finishLine(): string | OversizedLine {
    if (this.dropped >= 0) {
      const line = { oversized: true, length: this.dropped } as const;
      this.dropped = -1;
      return line;
    }
    const line = this.pending.length === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    return line;
  }
}

/**
 * The last `maxBytes` bytes of a file an agent wrote (stderr, a last-message file), as UTF-8 text without a character
 * cut at the start; null when the file is missing or not a regular file. Never reads more than `maxBytes`, and never
 * blocks on a FIFO put in its place.
 */
export async function readTextTail(path: string, maxBytes: number): Promise<{ text: string; omittedBytes: number } | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return null;
    const start = Math.max(0, stat.size - maxBytes);
    const buffer = Buffer.alloc(Math.min(maxBytes, stat.size));
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, start + length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    let from = 0;
    while (start > 0 && from < length && from < 3 && (buffer[from]! & 0xc0) === 0x80) from += 1;
    return { text: buffer.subarray(from, length).toString('utf8'), omittedBytes: start + from };
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}

/** The last non-empty line of a file an agent wrote, read from at most its last 64 KiB; null when there is none. */
export async function lastLineOfFile(path: string): Promise<string | null> {
  const tail = await readTextTail(path, 64 * 1024);
  const lines = (tail?.text ?? '').split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]!.trim();
    if (line !== '') return line;
  }
  return null;
}
