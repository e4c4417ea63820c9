import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMarkerCandidates, readStructuredResult } from '../../../src/workspace/state/stage-output.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-stage-output-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe("a stage's stdout, read for terminal markers", () => {
  it('keeps only the lines that can carry a marker, trimmed, with CRLF line ends', async () => {
    const path = file('out.txt', 'working\r\n  ### BUILDER_COMPLETE  \r\nnot ### a marker\r\n');
    expect(await readMarkerCandidates(path)).toBe('### BUILDER_COMPLETE');
  });

  it('lists each distinct candidate once and puts the last one seen last', async () => {
    const path = file('out.txt', '### BLOCKED\n### BUILDER_COMPLETE\n### BLOCKED\n### BUILDER_COMPLETE\n### BLOCKED\n');
    expect(await readMarkerCandidates(path)).toBe('### BUILDER_COMPLETE\n### BLOCKED');
  });

  it('finds a marker split across read chunks and a multi-byte character split across them', async () => {
    const filler = 'x'.repeat(64 * 1024 - 5);
    const path = file('out.txt', `${filler}\n### BUILDER_COMPLETE\n`);
    expect(await readMarkerCandidates(path)).toBe('### BUILDER_COMPLETE');
    const accented = file('accented.txt', `${'y'.repeat(64 * 1024 - 2)}\n### é\n`);
    expect(await readMarkerCandidates(accented)).toBe('### é');
  });

  it('ignores a huge line with no newline instead of holding it, and still sees the marker after it', async () => {
    const path = join(dir, 'huge.txt');
    const block = Buffer.alloc(4 * 1024 * 1024, 'z');
    for (let i = 0; i < 16; i += 1) appendFileSync(path, block); // 64 MiB on one line
    appendFileSync(path, '### BUILDER_COMPLETE\n\n### CHECKER_PASS');
    // the 64 MiB line ends in '### BUILDER_COMPLETE' but is far longer than a marker line
    expect(await readMarkerCandidates(path)).toBe('### CHECKER_PASS');
  });

  it('lets the event loop run while it reads a large output', async () => {
    const path = file('large.txt', '');
    const block = Buffer.alloc(4 * 1024 * 1024, 'y');
    for (let i = 0; i < 4; i += 1) appendFileSync(path, block);
    appendFileSync(path, '\n### BUILDER_COMPLETE\n');
    let turns = 0;
    const tick = () => {
      turns += 1;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const read = await readMarkerCandidates(path);
    done = true;
    expect(read).toBe('### BUILDER_COMPLETE');
    // 16 MiB in 64 KiB chunks: the reader yields after every MiB, so other work ran in between.
    expect(turns).toBeGreaterThanOrEqual(8);
  });

  it('keeps at most 256 distinct candidates however many an agent prints, and still the last one', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `### TOKEN_${i}`).join('\n');
    const result = (await readMarkerCandidates(file('many.txt', `${lines}\n`)))!.split('\n');
    expect(result).toHaveLength(257);
    expect(result.at(-1)).toBe('### TOKEN_4999');
  });

  it('is undefined for a missing file and null (without blocking) for a FIFO or a directory', async () => {
    expect(await readMarkerCandidates(join(dir, 'absent.txt'))).toBeUndefined();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await readMarkerCandidates(fifo)).toBeNull();
    expect(await readMarkerCandidates(dir)).toBeNull();
  });
});

describe("a runner's structured terminal result file", () => {
  it('is read whole when small, undefined when absent, null when beyond the stage result limit', () => {
    expect(readStructuredResult(file('result.json', '{"terminal_result":"BUILDER_COMPLETE"}'))).toBe('{"terminal_result":"BUILDER_COMPLETE"}');
    expect(readStructuredResult(join(dir, 'absent.json'))).toBeUndefined();
    expect(readStructuredResult(file('big.json', Buffer.alloc(16 * 1024 * 1024 + 1, ' ')))).toBeNull();
  });
});
