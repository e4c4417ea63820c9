import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PiEventLogWriter } from '../../src/event-log.js';

describe('PiEventLogWriter', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pi-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const path = () => join(dir, 'runner_events.r1.jsonl');

  it('writes each event line as it arrives, without message_update snapshots, and keeps the log when asked', () => {
    const log = new PiEventLogWriter(path());
    log.write({ type: 'agent_start', line: '{"type":"agent_start"}' });
    expect(readFileSync(`${path()}.partial`, 'utf8')).toBe('{"type":"agent_start"}\n');
    log.write({ type: 'message_update', line: '{"type":"message_update","message":"..."}' });
    log.write({ type: 'agent_end', line: '{"type":"agent_end"}' });
    expect(log.finish(true)).toBe(path());
    expect(readFileSync(path(), 'utf8')).toBe('{"type":"agent_start"}\n{"type":"agent_end"}\n');
    expect(readdirSync(dir)).toEqual(['runner_events.r1.jsonl']);
  });

  it('removes what it wrote when the log is not kept, and keeps nothing when nothing was logged', () => {
    const dropped = new PiEventLogWriter(path());
    dropped.write({ type: 'agent_start', line: '{"type":"agent_start"}' });
    expect(dropped.finish(false)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
    const empty = new PiEventLogWriter(path());
    empty.write({ type: 'message_update', line: '{}' });
    expect(empty.finish(true)).toBeNull();
    expect(existsSync(path())).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
