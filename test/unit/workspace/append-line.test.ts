import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLine } from '../../../src/workspace/state/append-line.js';

describe('appendLine', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'append-line-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the log and its folder, and ends every line with one newline', () => {
    const log = join(dir, 'logs', 'events.jsonl');
    appendLine(log, '{"a":1}');
    appendLine(log, '{"b":2}\n');
    expect(readFileSync(log, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('ends a line torn by a killed writer before appending, so the next line stays whole', () => {
    const log = join(dir, 'events.jsonl');
    writeFileSync(log, '{"a":1}\n{"event_type":"stage_sta');
    appendLine(log, '{"b":2}');
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines).toEqual(['{"a":1}', '{"event_type":"stage_sta', '{"b":2}', '']);
    // The torn fragment is kept as it was (another writer may still be completing it), not cut off.
    expect(JSON.parse(lines[2]!)).toEqual({ b: 2 });
  });

  it('adds nothing before the first line of an empty log', () => {
    const log = join(dir, 'events.jsonl');
    writeFileSync(log, '');
    appendLine(log, '{"a":1}');
    expect(readFileSync(log, 'utf8')).toBe('{"a":1}\n');
  });
});
