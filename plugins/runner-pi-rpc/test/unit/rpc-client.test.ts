import { PiRpcClient, RpcStreamError, type RpcEvent } from '../../src/rpc-client.js';
import { ABORT_LINES, ABORTED_LAST_TEXT_RESPONSE, LAST_TEXT_RESPONSE, RETRIED_FAILURE_LINES, STATS_RESPONSE, SUCCESS_FINAL_TEXT, SUCCESS_RUN_LINES } from '../support/recorded-pi-lines.js';

const FAR = () => Date.now() + 5_000;

function harness() {
  const sent: string[] = [];
  const events: Array<{ event: RpcEvent; line: string }> = [];
  const notes: string[] = [];
  const client = new PiRpcClient(
    async (line) => {
      sent.push(line);
    },
    { onEvent: (event, line) => events.push({ event, line }), onNote: (note) => notes.push(note) },
  );
  return { client, sent, events, notes };
}

describe('PiRpcClient with the recorded message shapes of pi 0.73.1', () => {
  it('drives a whole successful run: every event is reported with its raw line, responses are matched by id', async () => {
    const { client, sent, events, notes } = harness();
    const all = [...SUCCESS_RUN_LINES, LAST_TEXT_RESPONSE, STATS_RESPONSE];
    client.push(all.join('\n') + '\n');

    expect(await client.request({ id: 'auto-retry-1', type: 'set_auto_retry', enabled: false }, FAR())).toMatchObject({ kind: 'response', response: { success: true, command: 'set_auto_retry' } });
    expect(await client.request({ id: 'prompt-1', type: 'prompt', message: 'go' }, FAR())).toMatchObject({ kind: 'response', response: { success: true } });
    const end = await client.awaitEvent((e) => e.type === 'agent_end', FAR());
    expect(end).toMatchObject({ kind: 'event', event: { type: 'agent_end' } });
    const text = await client.request({ id: 'last-assistant-1', type: 'get_last_assistant_text' }, FAR());
    expect(text.kind === 'response' && text.response.data).toEqual({ text: SUCCESS_FINAL_TEXT });
    const stats = await client.request({ id: 'session-stats-1', type: 'get_session_stats' }, FAR());
    expect(stats.kind === 'response' && (stats.response.data as { tokens: unknown }).tokens).toEqual({ input: 200, output: 60, cacheRead: 40, cacheWrite: 0, total: 300 });

    expect(sent.map((l) => JSON.parse(l).type)).toEqual(['set_auto_retry', 'prompt', 'get_last_assistant_text', 'get_session_stats']);
    expect(events.map((e) => e.line)).toEqual(SUCCESS_RUN_LINES.filter((l) => !l.includes('"type":"response"')));
    expect(notes).toEqual([]);
  });

  it('knows every event type of the abort and auto-retry sequences', async () => {
    const { client, events, notes } = harness();
    client.push([...ABORT_LINES, ...RETRIED_FAILURE_LINES, ABORTED_LAST_TEXT_RESPONSE].join('\n') + '\n');
    expect(await client.awaitResponse('abort-1', FAR())).toMatchObject({ kind: 'response', response: { command: 'abort', success: true } });
    const text = await client.awaitResponse('last-assistant-1', FAR());
    expect(text.kind === 'response' && text.response.data).toEqual({});
    expect(events.map((e) => e.event.type)).toEqual(['message_start', 'message_end', 'turn_end', 'agent_end', 'agent_start', 'message_end', 'agent_end', 'auto_retry_start', 'agent_start', 'agent_end', 'auto_retry_end']);
    expect(notes).toEqual([]);
  });
});

describe('PiRpcClient stream handling', () => {
  it('handles partial lines delivered one byte at a time', async () => {
    const { client } = harness();
    const bytes = Buffer.from(`${SUCCESS_RUN_LINES.slice(0, 3).join('\n')}\n`);
    for (let i = 0; i < bytes.length; i += 1) client.push(bytes.subarray(i, i + 1));
    expect(await client.awaitResponse('prompt-1', FAR())).toMatchObject({ kind: 'response' });
    expect(await client.awaitEvent((e) => e.type === 'agent_start', FAR())).toMatchObject({ kind: 'event' });
  });

  it('matches interleaved and out-of-order responses by id, keeping events in arrival order', async () => {
    const { client, events } = harness();
    client.push('{"type":"response","id":"b","command":"get_state","success":true,"data":{"n":2}}\n{"type":"turn_start"}\n{"type":"response","id":"a","command":"prompt","success":false,"error":"busy"}\n{"type":"agent_end","messages":[]}\n');
    expect(await client.awaitResponse('a', FAR())).toEqual({ kind: 'response', response: { type: 'response', id: 'a', command: 'prompt', success: false, data: undefined, error: 'busy' } });
    expect(await client.awaitResponse('b', FAR())).toMatchObject({ kind: 'response', response: { success: true, data: { n: 2 } } });
    expect(events.map((e) => e.event.type)).toEqual(['turn_start', 'agent_end']);
  });

  it('matches a response that lacks the id (pi\'s unknown-command error) to the oldest command of that type', async () => {
    const { client, notes } = harness();
    await client.send({ id: 'x-1', type: 'frobnicate' });
    client.push('{"type":"response","command":"frobnicate","success":false,"error":"Unknown command: frobnicate"}\n{"type":"response","command":"other","success":false}\n');
    expect(await client.awaitResponse('x-1', FAR())).toMatchObject({ kind: 'response', response: { id: 'x-1', success: false, error: 'Unknown command: frobnicate' } });
    expect(notes).toEqual(['ignored pi rpc response without id for other']);
  });

  it('waits for a response that arrives later', async () => {
    const { client } = harness();
    const pending = client.awaitResponse('late', FAR());
    setImmediate(() => client.push('{"type":"response","id":"late","success":true}\n'));
    expect(await pending).toMatchObject({ kind: 'response', response: { id: 'late', success: true } });
  });

  it('ignores unknown event types but reports each type once and still records the event', async () => {
    const { client, events, notes } = harness();
    client.push('{"type":"brand_new_event","x":1}\n{"type":"brand_new_event","x":2}\n{"type":"agent_end","messages":[]}\n');
    expect(await client.awaitEvent((e) => e.type === 'agent_end', FAR())).toMatchObject({ kind: 'event' });
    expect(notes).toEqual(['ignored unknown pi rpc event type "brand_new_event"']);
    expect(events).toHaveLength(3);
  });

  it.each([
    ['invalid JSON', '{"type":"agent_start"'],
    ['not a JSON object', '[1,2]'],
    ['missing string field "type"', '{"kind":"agent_start"}'],
  ])('turns a malformed record (%s) into an RpcStreamError naming the line', async (reason, bad) => {
    const { client } = harness();
    client.push(`{"type":"agent_start"}\n${bad}\n{"type":"response","id":"x","success":true}\n`);
    const error = await client.awaitResponse('x', FAR()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcStreamError);
    expect(error).toMatchObject({ reason: 'malformed', message: expect.stringContaining(`stdout line 2: ${reason}`) });
    await expect(client.awaitEvent(() => true, FAR())).rejects.toThrow(RpcStreamError);
  });

  it('fails the stream on a record over the line limit, streamed in pieces and never assembled', async () => {
    const { client } = harness();
    client.push('{"type":"agent_start"}\n{"type":"message_end","text":"');
    for (let i = 0; i < 9; i += 1) client.push('x'.repeat(1024 * 1024));
    client.push('"}\n{"type":"response","id":"x","success":true}\n');
    const error = await client.awaitResponse('x', FAR()).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: 'malformed', message: expect.stringContaining('stdout line 2: longer than the limit') });
  });

  it('throws on EOF while a response is awaited, and reports eof to event waiters after draining', async () => {
    const { client } = harness();
    client.push('{"type":"agent_start"}\n');
    client.end();
    await expect(client.awaitResponse('prompt-1', FAR())).rejects.toMatchObject({ reason: 'eof' });
    expect(await client.awaitEvent((e) => e.type === 'agent_start', FAR())).toMatchObject({ kind: 'event' });
    expect(await client.awaitEvent((e) => e.type === 'agent_end', FAR())).toEqual({ kind: 'eof' });
  });

  it('wakes a waiter when the stream ends (process died mid-stream), discarding the torn last record with a note', async () => {
    const { client, notes } = harness();
    const pending = client.awaitEvent((e) => e.type === 'agent_end', FAR());
    setImmediate(() => {
      client.push('{"type":"agent_start"}\n{"type":"turn_st');
      client.end();
    });
    expect(await pending).toEqual({ kind: 'eof' });
    expect(notes).toEqual(['discarded a truncated pi rpc record at end of stream: {"type":"turn_st']);
  });

  it('accepts a complete last record that lacks its newline at end of stream', async () => {
    const { client } = harness();
    client.push('{"type":"agent_end","messages":[]}');
    client.end();
    expect(await client.awaitEvent((e) => e.type === 'agent_end', FAR())).toMatchObject({ kind: 'event' });
  });

  it('returns timeout once the deadline has passed and cancelled when the signal is aborted', async () => {
    const { client } = harness();
    expect(await client.awaitResponse('x', Date.now() - 1)).toEqual({ kind: 'timeout' });
    expect(await client.awaitEvent(() => true, Date.now() - 1)).toEqual({ kind: 'timeout' });
    const controller = new AbortController();
    const pending = client.awaitEvent(() => true, FAR(), controller.signal);
    controller.abort();
    expect(await pending).toEqual({ kind: 'cancelled' });
  });

  it('waits correctly for a deadline beyond the longest timer Node supports', async () => {
    const { client } = harness();
    const pending = client.awaitResponse('far', Date.now() + 30 * 24 * 3600 * 1000);
    setTimeout(() => client.push('{"type":"response","id":"far","success":true}\n'), 20);
    expect(await pending).toMatchObject({ kind: 'response' });
  });

  it('turns a refused stdin write into an RpcStreamError', async () => {
    const client = new PiRpcClient(async () => {
      throw new Error('EPIPE');
    });
    await expect(client.send({ type: 'abort' })).rejects.toMatchObject({ reason: 'write_failed', message: 'could not send pi rpc command abort: EPIPE' });
  });
});
