import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { appendLine } from '../../../src/workspace/state/append-line.js';
import { appendRuntimeEvent, readRuntimeEvents } from '../../../src/workspace/state/events-log.js';
import { inspectStateFiles } from '../../../src/workspace/state/state-inspection.js';

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

describe('a torn events log line, as the readers and doctor see it', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'torn-events-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is skipped by readers, the events on both sides are kept, and doctor finds nothing wrong; other text is still reported', async () => {
    const paths = workspacePaths(root);
    const now = new Date('2026-12-06T12:00:00Z');
    await appendRuntimeEvent(paths, 'before_kill', {}, now);
    const whole = readFileSync(paths.eventsLog, 'utf8');
    writeFileSync(paths.eventsLog, `${whole}${whole.slice(0, 30)}`); // a second append killed after 30 bytes
    await appendRuntimeEvent(paths, 'after_restart', {}, now);
    expect((await readRuntimeEvents(paths)).map((e) => e.event_type)).toEqual(['before_kill', 'after_restart']);
    expect(inspectStateFiles(paths)).toEqual([]);

    writeFileSync(paths.eventsLog, `${whole}not a record\n${whole}`);
    expect(inspectStateFiles(paths)).toEqual([{ path: paths.eventsLog, reason: 'line 2: invalid JSON' }]);
  });
});
