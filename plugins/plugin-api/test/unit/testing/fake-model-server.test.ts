import { legalMarkersInPrompt, parseFakeDirectives, startFakeModelServer, stageInPrompt, type FakeModelServer } from '../../../src/testing/index.js';

type SseEvent = { type: string; [key: string]: unknown };

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]')
    .map((line) => JSON.parse(line.slice('data: '.length)) as SseEvent);
}

const prompt = 'Do it.\n@@fake-shell: echo hi > f.txt\n@@fake-reply: Done.\\n### BUILDER_COMPLETE';
const responsesBody = (extraInput: unknown[] = []) => ({
  model: 'fake-model',
  stream: true,
  tools: [{ type: 'function', name: 'exec_command' }],
  input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: prompt }] }, ...extraInput],
});

describe('fake model server', () => {
  let server: FakeModelServer;
  afterEach(async () => server.close());

  it('answers a Responses request with the scripted tool call, then the final text, with fixed usage', async () => {
    server = await startFakeModelServer();
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const post = async (body: unknown) => {
      const res = await fetch(`${server.baseUrl}/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      return parseSse(await res.text());
    };
    const first = await post(responsesBody());
    const call = first.find((e) => e.type === 'response.output_item.done')?.item as { type: string; name: string; arguments: string };
    expect(call).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(JSON.parse(call.arguments)).toEqual({ cmd: 'echo hi > f.txt', login: false });
    expect(first.at(-1)).toMatchObject({ type: 'response.completed', response: { usage: { input_tokens: 120, output_tokens: 30, total_tokens: 150 } } });

    const second = await post(responsesBody([{ type: 'function_call_output', call_id: 'call_fake_1', output: 'ok' }]));
    const text = second.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text).toBe('Done.\n### BUILDER_COMPLETE');
    expect(server.requests.map((r) => [r.kind, r.step])).toEqual([['responses', 0], ['responses', 1]]);
    expect(server.requests[0]?.userText).toContain('@@fake-shell');
  });

  it('lets a programmatic script override the prompt directives and serves scripted errors and the model list', async () => {
    server = await startFakeModelServer({ script: (r) => (r.userText.includes('fail') ? { errorStatus: 401 } : { steps: [{ text: 'scripted' }] }) });
    const ok = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'hello' }] }) });
    const chunks = parseSse(await ok.text()) as unknown as { choices: { delta: { content?: string } }[] }[];
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('scripted');
    const failed = await fetch(`${server.baseUrl}/responses`, { method: 'POST', body: JSON.stringify({ input: 'please fail' }) });
    expect(failed.status).toBe(401);
    const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: { id: string }[] };
    expect(models.data[0]?.id).toBe('fake-model');
    expect(server.requests.map((r) => r.kind)).toEqual(['chat', 'responses', 'models']);
  });
});

describe('fake model prompt helpers', () => {
  it('parses directives and the stage prompt contract lines', () => {
    expect(parseFakeDirectives('@@fake-delay-ms: 250\n@@fake-error: 503')).toMatchObject({ delayMs: 250, errorStatus: 503, steps: [{ text: 'Fake model done.\n### BUILDER_COMPLETE' }] });
    const stagePrompt = 'Stage: checker\nLegal markers for this stage: `### CHECKER_PASS`, `### FIX_NEEDED`, `### BLOCKED`.';
    expect(legalMarkersInPrompt(stagePrompt)).toEqual(['### CHECKER_PASS', '### FIX_NEEDED', '### BLOCKED']);
    expect(stageInPrompt(stagePrompt)).toBe('checker');
  });
});
