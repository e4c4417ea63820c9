import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoundedLineSplitter, isOversizedLine, lastLineOfFile, readTextTail, type OversizedLine } from '../../src/agent-output.js';

const all = (splitter: BoundedLineSplitter, chunks: Array<string | Uint8Array>) => [...chunks.flatMap((c) => splitter.push(c)), ...splitter.end()];

describe('BoundedLineSplitter', () => {
  it('splits on \\n only, keeps empty lines, \\r and U+2028, and counts an unterminated last line', () => {
    expect(all(new BoundedLineSplitter(), ['a\r\n\nb\u2028c\nd'])).toEqual(['a\r', '', 'b\u2028c', 'd']);
    expect(all(new BoundedLineSplitter(), ['a\n'])).toEqual(['a']);
    expect(all(new BoundedLineSplitter(), [''])).toEqual([]);
  });

  it('joins a line that arrives in many chunks and a character split across chunks', () => {
    const bytes = Buffer.from('{"t":"h\u00e9\u20ac\u{1F600}"}\nnext\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(all(new BoundedLineSplitter(), chunks)).toEqual(['{"t":"h\u00e9\u20ac\u{1F600}"}', 'next']);
  });

  it('drops a line over the limit as it streams, reports its length, and goes on with the next line', () => {
    const splitter = new BoundedLineSplitter(10);
    const out = all(splitter, ['ok\n0123456', '789abc', 'def\nafter', '\n', 'x'.repeat(11)]);
    expect(out).toEqual(['ok', { oversized: true, length: 16 }, 'after', { oversized: true, length: 11 }]);
    expect(out.filter(isOversizedLine).map((l: OversizedLine) => l.length)).toEqual([16, 11]);
    expect(all(new BoundedLineSplitter(10), ['0123456789\n'])).toEqual(['0123456789']);
  });

  it('holds at most the limit of a line without newlines, however much arrives', () => {
    const splitter = new BoundedLineSplitter(1024);
    const chunk = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 200; i += 1) expect(splitter.push(chunk)).toEqual([]);
    const internal = splitter as unknown as { pending: string[]; pendingLength: number };
    expect(internal.pending).toEqual([]);
    expect(internal.pendingLength).toBe(0);
    expect(splitter.end()).toEqual([{ oversized: true, length: 200 * 64 * 1024 }]);
  });

  it('joins a 4 MiB line that arrives in 1 KiB chunks', () => {
    const splitter = new BoundedLineSplitter();
    const chunk = 'z'.repeat(1024);
    for (let i = 0; i < 4096; i += 1) splitter.push(chunk);
    const [line] = splitter.push('\n');
    expect(typeof line === 'string' && line.length).toBe(4 * 1024 * 1024);
  });
});

describe('reading the end of a file an agent wrote', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-output-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads at most the last N bytes, without a character cut at the start', async () => {
    const path = join(dir, 'out.txt');
    writeFileSync(path, `${'\u00e9'.repeat(10)}tail`);
    expect(await readTextTail(path, 7)).toEqual({ text: '\u00e9tail', omittedBytes: 18 });
    expect(await readTextTail(path, 100)).toEqual({ text: `${'\u00e9'.repeat(10)}tail`, omittedBytes: 0 });
    writeFileSync(path, '');
    expect(await readTextTail(path, 100)).toEqual({ text: '', omittedBytes: 0 });
  });

  it('gives the last non-empty line of a large file from its end, and null for none, a missing file or a FIFO', async () => {
    const path = join(dir, 'stderr.txt');
    writeFileSync(path, `${'noise\n'.repeat(200_000)}  the last one  \n\n`);
    expect(await lastLineOfFile(path)).toBe('the last one');
    writeFileSync(path, '\n\n');
    expect(await lastLineOfFile(path)).toBeNull();
    expect(await lastLineOfFile(join(dir, 'missing'))).toBeNull();
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await readTextTail(fifo, 10)).toBeNull();
  });
});
