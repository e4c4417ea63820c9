import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopSignal } from '../../src/process.js';

describe('the signal that asks codex to stop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codex-stop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const events = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('is SIGINT once the event stream shows the turn started, SIGTERM before', () => {
    const thread = '{"type":"thread.started","thread_id":"t1"}\n';
    expect(stopSignal(events('starting.jsonl', thread))).toBe('SIGTERM');
    expect(stopSignal(events('running.jsonl', `${thread}{"type":"turn.started"}\n{"type":"item.started","item":{"id":"i"}}\n`))).toBe('SIGINT');
    expect(stopSignal(join(dir, 'not-written-yet.jsonl'))).toBe('SIGTERM');
  });

  it('reads only the head of the stream: a turn start past the first 64 KiB is not looked for', () => {
    const notices = `${'{"type":"item.completed","item":{"type":"error","message":"x"}}\n'.repeat(1100)}`;
    expect(notices.length).toBeGreaterThan(64 * 1024);
    expect(stopSignal(events('late.jsonl', `${notices}{"type":"turn.started"}\n`))).toBe('SIGTERM');
  });
});
