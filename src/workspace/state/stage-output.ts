import { StringDecoder } from 'node:string_decoder';
import { INPUT_SIZE_LIMITS } from '../../contracts/input-limits.js';
import { closeSync, readSync } from 'node:fs';
import { openRegularFileSync, readBoundedTextSync } from '../bounded-read.js';

const CHUNK_BYTES = 64 * 1024;
/** 1 MiB read between two turns of the event loop. */
const CHUNKS_PER_TURN = 16;
/** A terminal marker is one short line; a longer line cannot be one, however it ends. */
const MAX_MARKER_LINE = INPUT_SIZE_LIMITS['status marker'];
/** More distinct marker lines than this already conflict; keeping more would only grow memory. */
const MAX_DISTINCT_MARKER_LINES = 256;

/**
 * The lines of a stage's stdout that can hold a terminal marker (`###` after optional blanks), read in chunks so an
 * agent that printed gigabytes costs no more memory than one that printed a page. Returns each distinct candidate
 * once in first-seen order with the last candidate seen placed last, which is all marker extraction looks at (the
 * set of tokens and the last one). `undefined` when the file is absent, `null` when it cannot be read as a file.
 * Synchronous reads (a stage's stdout is usually a page; each thread-pool round trip cost more than its read), giving
 * the event loop a turn after every `CHUNKS_PER_TURN` chunks so a huge file does not hold it.
 */
export async function readMarkerCandidates(path: string): Promise<string | null | undefined> {
  const fd = openRegularFileSync(path);
  if (fd === undefined || fd === null) return fd;
  try {
    const collector = new MarkerLineCollector();
    const decoder = new StringDecoder('utf8');
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let chunks = 1; ; chunks += 1) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      collector.push(decoder.write(buffer.subarray(0, bytesRead)));
      if (chunks % CHUNKS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    collector.push(decoder.end());
    return collector.finish();
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Splits streamed text into lines, keeping only short lines that start with `###`. */
class MarkerLineCollector {
  private partial = '';
  private overlong = false;
  private readonly distinct = new Set<string>();
  private last: string | null = null;

  push(text: string): void {
    let start = 0;
    for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
      this.endLine(text.slice(start, newline));
      start = newline + 1;
    }
    this.append(text.slice(start));
  }

  finish(): string {
    this.endLine('');
    const lines = [...this.distinct].filter((line) => line !== this.last);
    if (this.last !== null) lines.push(this.last);
    return lines.join('\n');
  }

  private append(piece: string): void {
    if (this.overlong) return;
    if (this.partial.length + piece.length > MAX_MARKER_LINE) {
      this.overlong = true;
      this.partial = '';
      return;
    }
    this.partial += piece;
  }

  private endLine(tail: string): void {
    this.append(tail);
    const line = this.overlong ? null : this.partial.trim();
    this.partial = '';
    this.overlong = false;
    if (line === null || !line.startsWith('###')) return;
    this.last = line;
    if (this.distinct.size < MAX_DISTINCT_MARKER_LINES) this.distinct.add(line);
  }
}

/** A runner's structured terminal result file, at most a stage result's size; `undefined` absent, `null` unreadable or too big. */
export function readStructuredResult(path: string): string | null | undefined {
  try {
    return readBoundedTextSync(path, 'stage result')?.text;
  } catch {
    return null;
  }
}
