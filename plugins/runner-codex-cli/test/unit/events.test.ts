import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { activityFromCodexLine, createCodexActivityFeed, parseCodexEvents, summarizeCodexEventLog, type CodexActivity } from '../../src/events.js';
import { DEFAULT_MAX_LINE_CHARS } from '@millrace/plugin-api/agent-output';

const jsonl = (...events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
const usage = { input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 7, output_tokens: 60, reasoning_output_tokens: 10 };

describe('parseCodexEvents', () => {
  it('takes token usage from turn.completed, including cache writes, and computes the total', () => {
    const summary = parseCodexEvents(jsonl(
      { type: 'thread.started', thread_id: 't' },
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_2', type: 'agent_message', text: 'done\n### BUILDER_COMPLETE' } },
      { type: 'turn.completed', usage },
    ));
    expect(summary.tokenUsage).toEqual({ input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 7, output_tokens: 60, thinking_tokens: 10, total_tokens: 300 });
    expect(summary.turnCompleted).toBe(true);
    expect(summary.turnFailedMessage).toBeNull();
    expect(summary.lastAgentMessage).toBe('done\n### BUILDER_COMPLETE');
    expect(summary.malformedLines).toEqual([]);
  });

  it('sums usage over several turns and ignores usage without input or output counts', () => {
    const summary = parseCodexEvents(jsonl({ type: 'turn.completed', usage }, { type: 'turn.completed', usage: { input_tokens: 10, output_tokens: 5 } }, { type: 'turn.completed', usage: { output_tokens: 1 } }));
    expect(summary.tokenUsage).toMatchObject({ input_tokens: 250, output_tokens: 65, cache_write_input_tokens: 7, total_tokens: 315 });
  });

  it('reports no usage when no turn completed', () => {
    expect(parseCodexEvents(jsonl({ type: 'turn.started' })).tokenUsage).toBeNull();
    expect(parseCodexEvents('').eventCount).toBe(0);
  });

  it('treats error events and error items as informational and only turn.failed as final', () => {
    const summary = parseCodexEvents(jsonl(
      { type: 'item.completed', item: { id: 'item_0', type: 'error', message: 'Model metadata not found' } },
      { type: 'error', message: 'Reconnecting... 1/5' },
      { type: 'turn.completed', usage },
    ));
    expect(summary.errorMessages).toEqual(['Model metadata not found', 'Reconnecting... 1/5']);
    expect(summary.turnFailedMessage).toBeNull();
    const failed = parseCodexEvents(jsonl({ type: 'error', message: 'unexpected status 401' }, { type: 'turn.failed', error: { message: 'unexpected status 401 Unauthorized' } }));
    expect(failed.turnFailedMessage).toBe('unexpected status 401 Unauthorized');
    expect(failed.turnCompleted).toBe(false);
  });

  it('lists malformed lines by number and keeps parsing the rest', () => {
    const summary = parseCodexEvents(`${JSON.stringify({ type: 'turn.started' })}\nnot json\n[1,2]\n\n${JSON.stringify({ type: 'turn.completed', usage })}\n`);
    expect(summary.malformedLines).toEqual([2, 3]);
    expect(summary.eventCount).toBe(2);
    expect(summary.tokenUsage?.total_tokens).toBe(300);
  });

  it('still understands the older token_count events when no turn reported usage', () => {
    const summary = parseCodexEvents(jsonl(
      { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 12, reasoning_output_tokens: 5, total_tokens: 112 } } } },
      { type: 'event_msg', payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 120, cached_input_tokens: 40, output_tokens: 12, reasoning_output_tokens: 5, total_tokens: 132 } } } },
    ));
    expect(summary.tokenUsage).toEqual({ input_tokens: 120, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 12, thinking_tokens: 5, total_tokens: 132 });
  });
});

describe('codex activity', () => {
  it('maps command executions, agent messages and turns; ignores error items and garbage', () => {
    const line = (e: unknown) => JSON.stringify(e);
    expect(activityFromCodexLine(line({ type: 'item.started', item: { type: 'command_execution', command: "bash -c 'npm test'" } }), null)).toEqual({ kind: 'tool', text: "exec bash -c 'npm test'" });
    expect(activityFromCodexLine(line({ type: 'item.completed', item: { type: 'command_execution', command: 'ls', exit_code: 2 } }), null)).toEqual({ kind: 'tool', text: 'exec exited 2: ls' });
    expect(activityFromCodexLine(line({ type: 'item.completed', item: { type: 'agent_message', text: 'done\n### BUILDER_COMPLETE' } }), null)).toEqual({ kind: 'output', text: 'done\n### BUILDER_COMPLETE' });
    expect(activityFromCodexLine(line({ type: 'item.completed', item: { type: 'error', message: 'metadata' } }), null)).toBeNull();
    expect(activityFromCodexLine('not json', null)).toBeNull();
    expect(activityFromCodexLine(line({ type: 'turn.failed', error: { message: 'boom' } }), null)).toEqual({ kind: 'event', text: 'turn failed: boom' });
  });

  it('reports the running usage total at each completed turn, across chunk boundaries', () => {
    const seen: CodexActivity[] = [];
    const feed = createCodexActivityFeed((a) => seen.push(a));
    const text = jsonl({ type: 'turn.started' }, { type: 'turn.completed', usage }, { type: 'turn.completed', usage });
    feed.write(text.slice(0, 17));
    feed.write(text.slice(17, 60));
    feed.write(text.slice(60));
    feed.end();
    expect(seen.map((a) => a.text)).toEqual(['turn started', 'turn completed', 'turn completed']);
    expect(seen.map((a) => a.usage?.total_tokens)).toEqual([undefined, 300, 600]);
  });
});

describe('summarizeCodexEventLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'codex-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the log in chunks: a line over the limit counts as oversized and the events after it still count', async () => {
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, `${JSON.stringify({ type: 'turn.started' })}\n${'x'.repeat(9 * 1024 * 1024)}\n${jsonl({ type: 'turn.completed', usage })}`);
    const summary = await summarizeCodexEventLog(path);
    expect(summary).toMatchObject({ oversizedLines: [2], malformedLines: [], eventCount: 2, turnCompleted: true });
    expect(summary?.tokenUsage?.total_tokens).toBe(300);
  });

  it('gives the same summary as parsing the whole text', async () => {
    const text = jsonl({ type: 'turn.started' }, { type: 'error', message: 'Reconnecting... 1/5' }, { type: 'item.completed', item: { type: 'agent_message', text: 'd\u00e9j\u00e0\n### BUILDER_COMPLETE' } }, { type: 'turn.completed', usage }) + 'oops';
    const path = join(dir, 'events.jsonl');
    writeFileSync(path, text);
    expect(await summarizeCodexEventLog(path)).toEqual(parseCodexEvents(text));
  });

  it('is null for a missing log and for a FIFO in its place (never waits on it)', async () => {
    expect(await summarizeCodexEventLog(join(dir, 'missing.jsonl'))).toBeNull();
    const fifo = join(dir, 'fifo.jsonl');
    execFileSync('mkfifo', [fifo]);
    expect(await summarizeCodexEventLog(fifo)).toBeNull();
  });

  it('counts a line over the line limit as oversized, not as malformed, and reads the lines after it', () => {
    const long = `{"type":"item.completed","item":{"type":"agent_message","text":"${'x'.repeat(DEFAULT_MAX_LINE_CHARS)}"}}`;
    const summary = parseCodexEvents(`${jsonl({ type: 'turn.started' })}${long}\nnot json\n${jsonl({ type: 'turn.completed', usage })}`);
    expect(summary).toMatchObject({ oversizedLines: [2], malformedLines: [3], turnCompleted: true, eventCount: 2 });
  });

  it('keeps the first malformed line numbers and the last error messages only, however many there are', () => {
    const summary = parseCodexEvents(`${'junk\n'.repeat(5000)}${jsonl(...Array.from({ length: 500 }, (_, i) => ({ type: 'error', message: `e${i}` })))}`);
    expect(summary.malformedLines).toHaveLength(100);
    expect(summary.malformedLines.slice(0, 3)).toEqual([1, 2, 3]);
    expect(summary.errorMessages).toHaveLength(20);
    expect(summary.errorMessages.at(-1)).toBe('e499');
  });
});
