import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { eventsLogFiles, eventsLogFingerprint, readRuntimeEvents, rotateEventsLog } from '../../../src/workspace/state/events-log.js';

const line = (type: string, at: string) => `${JSON.stringify({ data: {}, event_type: type, kind: 'runtime_event', occurred_at: at, schema_version: '1.0' })}\n`;

function workspace() {
  const paths = workspacePaths(mkdtempSync(join(tmpdir(), 'millrace-events-')));
  mkdirSync(paths.logs, { recursive: true });
  return paths;
}

describe('the events log across rotated files', () => {
  it('reads rotated files by number (2 before 10), then the current file', async () => {
    const paths = workspace();
    writeFileSync(join(paths.logs, 'runtime_events.10.jsonl'), line('third', '2026-01-03T00:00:00Z'));
    writeFileSync(join(paths.logs, 'runtime_events.2.jsonl'), line('first', '2026-01-01T00:00:00Z') + line('second', '2026-01-02T00:00:00Z'));
    writeFileSync(paths.eventsLog, line('fourth', '2026-01-04T00:00:00Z'));
    writeFileSync(join(paths.logs, 'runtime_events.x.jsonl'), 'not a rotated log\n');
    expect((await readRuntimeEvents(paths)).map((e) => e.event_type)).toEqual(['first', 'second', 'third', 'fourth']);
    expect(eventsLogFiles(paths).map((p) => p.slice(paths.logs.length + 1))).toEqual(['runtime_events.2.jsonl', 'runtime_events.10.jsonl', 'runtime_events.jsonl']);
  });

  it('the fingerprint a follower polls changes on an append and on a rotation, and only then', () => {
    const paths = workspace();
    const empty = eventsLogFingerprint(paths);
    writeFileSync(paths.eventsLog, line('first', '2026-01-01T00:00:00Z'));
    const one = eventsLogFingerprint(paths);
    expect(one).not.toBe(empty);
    expect(eventsLogFingerprint(paths)).toBe(one);
    appendFileSync(paths.eventsLog, line('second', '2026-01-01T00:00:01Z'));
    const two = eventsLogFingerprint(paths);
    expect(two).not.toBe(one);
    rotateEventsLog(paths, { maxBytes: 1, keepFiles: 4 });
    expect(eventsLogFingerprint(paths)).not.toBe(two);
  });

  it('a bad line in a rotated file is named by that file and line', async () => {
    const paths = workspace();
    writeFileSync(join(paths.logs, 'runtime_events.1.jsonl'), line('first', '2026-01-01T00:00:00Z') + '{"kind":"nope"}\n' + line('x', '2026-01-01T00:00:01Z'));
    await expect(readRuntimeEvents(paths)).rejects.toThrow(/^millrace-agents\/logs\/runtime_events\.1\.jsonl: line 2: /);
  });

  it('rotates only past the size limit, numbering after the newest, and keeps at most keepFiles', async () => {
    const paths = workspace();
    writeFileSync(paths.eventsLog, line('a', '2026-01-01T00:00:00Z'));
    expect(rotateEventsLog(paths, { maxBytes: 1024, keepFiles: 2 })).toEqual({ rotated_to: null, removed: [] });
    writeFileSync(join(paths.logs, 'runtime_events.4.jsonl'), line('old', '2025-01-01T00:00:00Z'));
    writeFileSync(join(paths.logs, 'runtime_events.5.jsonl'), line('older', '2025-01-02T00:00:00Z'));
    const result = rotateEventsLog(paths, { maxBytes: 10, keepFiles: 2 });
    expect(result).toEqual({ rotated_to: join(paths.logs, 'runtime_events.6.jsonl'), removed: [join(paths.logs, 'runtime_events.4.jsonl')] });
    expect(eventsLogFiles(paths).map((p) => p.slice(paths.logs.length + 1))).toEqual(['runtime_events.5.jsonl', 'runtime_events.6.jsonl', 'runtime_events.jsonl']);
    expect((await readRuntimeEvents(paths)).map((e) => e.event_type)).toEqual(['older', 'a']);
  });
});
