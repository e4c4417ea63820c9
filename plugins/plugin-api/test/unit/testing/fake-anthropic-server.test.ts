import { startFakeAnthropicServer, type FakeAnthropicServer } from '../../../src/testing/index.js';

type SseEvent = { type: string; [key: string]: unknown };

const parseSse = (text: string): SseEvent[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice('data: '.length)) as SseEvent);

const prompt = 'Do it.\n@@fake-shell: echo hi > f.txt\n@@fake-reply: Done.\\n### BUILDER_COMPLETE';
const messagesBody = (extra: unknown[] = [], stream = true) => ({
  model: 'fake-model',
  stream,
  max_tokens: 100,
  tools: [{ name: 'Bash', input_schema: {} }, { name: 'Read', input_schema: {} }],
  messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }, ...extra],
});
const afterTool = [
  { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_fake_1', name: 'Bash', input: { command: 'echo hi > f.txt' } }] },
  { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_fake_1', content: 'ok' }] },
];

describe('fake Anthropic Messages server', () => {
  let server: FakeAnthropicServer;
  afterEach(async () => server.close());
  const post = (path: string, body: unknown) => fetch(`${server.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('streams the scripted Bash tool_use first, then the final text once a tool_result is in the conversation', async () => {
    server = await startFakeAnthropicServer();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const first = await post('/v1/messages?beta=true', messagesBody());
    expect(first.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await first.text());
    expect(events.map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
    expect(events[1]).toMatchObject({ content_block: { type: 'tool_use', name: 'Bash' } });
    expect(JSON.parse((events[2]?.delta as { partial_json: string }).partial_json)).toEqual({ command: 'echo hi > f.txt', description: 'scripted by the fake model' });
    expect(events[4]).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 20 } });

    const second = parseSse(await (await post('/v1/messages?beta=true', messagesBody(afterTool))).text());
    const text = second.filter((e) => e.type === 'content_block_delta').map((e) => (e.delta as { text: string }).text).join('');
    expect(text).toBe('Done.\n### BUILDER_COMPLETE');
    expect(second[0]).toMatchObject({ message: { usage: { input_tokens: 100, cache_read_input_tokens: 10, cache_creation_input_tokens: 5 } } });
    expect(server.requests.map((r) => [r.kind, r.step, r.toolResults])).toEqual([['messages', 0, 0], ['messages', 1, 1]]);
    expect(server.requests[0]?.userText).toContain('@@fake-shell');
  });

  it('answers a non-streaming request with one JSON message and count_tokens with the input count', async () => {
    server = await startFakeAnthropicServer({ usage: { input: 7, output: 3 } });
    const message = (await (await post('/v1/messages', messagesBody(afterTool, false))).json()) as Record<string, unknown>;
    expect(message).toMatchObject({ type: 'message', stop_reason: 'end_turn', content: [{ type: 'text', text: 'Done.\n### BUILDER_COMPLETE' }], usage: { input_tokens: 7, output_tokens: 3 } });
    expect(await (await post('/v1/messages/count_tokens', messagesBody())).json()).toEqual({ input_tokens: 7 });
  });

  it('follows a programmatic script, answers text when no Bash tool is offered, errors on demand, and logs unknown routes', async () => {
    server = await startFakeAnthropicServer({ script: (r) => (r.userText.includes('fail') ? { errorStatus: 400 } : { steps: [{ shell: 'true' }, { text: 'done' }] }) });
    const noBash = parseSse(await (await post('/v1/messages', { ...messagesBody(), tools: [] })).text());
    expect(noBash.find((e) => e.type === 'content_block_delta')).toMatchObject({ delta: { type: 'text_delta' } });
    const failed = await post('/v1/messages', { ...messagesBody(), messages: [{ role: 'user', content: 'please fail' }] });
    expect(failed.status).toBe(400);
    expect(await failed.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect((await fetch(`${server.baseUrl}/v1/other`)).status).toBe(404);
    expect(server.requests.map((r) => r.kind)).toEqual(['messages', 'messages', 'unknown']);
  });
});
