import type { ServerResponse } from 'node:http';
import type { FakeStep } from './fake-model-script.js';

/** Token counts the fake reports for every model request (so N requests give N times these). */
export type FakeUsage = { input: number; cached: number; output: number; reasoning: number };
export const DEFAULT_FAKE_USAGE: FakeUsage = { input: 120, cached: 20, output: 30, reasoning: 5 };

export type ToolCall = { name: string; args: Record<string, unknown> };

/** Pick the shell tool the client declared: codex 0.169 `exec_command`, older codex `shell`, pi `bash`. */
export function selectShellTool(shell: string, toolNames: string[]): ToolCall | undefined {
  // login:false makes codex run `/bin/bash -c` instead of a login shell (no profile noise in the output).
  if (toolNames.includes('exec_command')) return { name: 'exec_command', args: { cmd: shell, login: false } };
  if (toolNames.includes('shell')) return { name: 'shell', args: { command: ['bash', '-lc', shell] } };
  if (toolNames.includes('bash')) return { name: 'bash', args: { command: shell } };
  return undefined;
}

function splitText(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export type StreamInput = {
  res: ServerResponse;
  seq: number;
  model: string;
  step: FakeStep;
  toolNames: string[];
  usage: FakeUsage;
  chunkDelayMs: number;
  alive: () => boolean;
};

/** Stream one answer in the OpenAI Responses API SSE format (what codex `wire_api="responses"` and pi `openai-responses` read). */
export async function streamResponsesAnswer(input: StreamInput): Promise<void> {
  const { res, seq, usage, alive } = input;
  const id = `resp_fake_${seq}`;
  const send = (type: string, payload: Record<string, unknown>) => {
    if (alive()) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
  };
  const response = { id, object: 'response', created_at: 0, model: input.model, status: 'in_progress', output: [] as unknown[] };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  send('response.created', { sequence_number: 0, response });
  send('response.in_progress', { sequence_number: 1, response });
  const tool = 'shell' in input.step ? selectShellTool(input.step.shell, input.toolNames) : undefined;
  let item: Record<string, unknown>;
  if (tool) {
    const args = JSON.stringify(tool.args);
    item = { id: `fc_fake_${seq}`, type: 'function_call', status: 'completed', call_id: `call_fake_${seq}`, name: tool.name, arguments: args };
    send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    send('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: args });
    send('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: args });
  } else {
    const text = 'text' in input.step ? input.step.text : `No shell tool was offered for: ${input.step.shell}`;
    const part = { type: 'output_text', text, annotations: [] };
    item = { id: `msg_fake_${seq}`, type: 'message', status: 'completed', role: 'assistant', content: [part] };
    send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    send('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { ...part, text: '' } });
    for (const delta of splitText(text)) {
      if (input.chunkDelayMs > 0) await sleep(input.chunkDelayMs);
      send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta });
    }
    send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text });
    send('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part });
  }
  send('response.output_item.done', { output_index: 0, item });
  send('response.completed', {
    response: {
      ...response,
      status: 'completed',
      output: [item],
      usage: {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: usage.cached },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: usage.reasoning },
        total_tokens: usage.input + usage.output,
      },
    },
  });
  if (alive()) res.end();
}

/** Stream one answer in the OpenAI Chat Completions SSE format (pi `openai-completions`). */
export async function streamChatAnswer(input: StreamInput): Promise<void> {
  const { res, seq, usage, alive } = input;
  const id = `chatcmpl-fake-${seq}`;
  const send = (payload: Record<string, unknown>) => {
    if (alive()) res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: input.model, ...payload })}\n\n`);
  };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const tool = 'shell' in input.step ? selectShellTool(input.step.shell, input.toolNames) : undefined;
  if (tool) {
    const call = { index: 0, id: `call_fake_${seq}`, type: 'function', function: { name: tool.name, arguments: '' } };
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: null, tool_calls: [call] }, finish_reason: null }] });
    send({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: JSON.stringify(tool.args) } }] }, finish_reason: null }] });
    send({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
  } else {
    const text = 'text' in input.step ? input.step.text : `No shell tool was offered for: ${input.step.shell}`;
    send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
    for (const delta of splitText(text)) {
      if (input.chunkDelayMs > 0) await sleep(input.chunkDelayMs);
      send({ choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] });
    }
    send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  }
  send({
    choices: [],
    usage: {
      prompt_tokens: usage.input,
      completion_tokens: usage.output,
      total_tokens: usage.input + usage.output,
      prompt_tokens_details: { cached_tokens: usage.cached },
      completion_tokens_details: { reasoning_tokens: usage.reasoning },
    },
  });
  if (alive()) {
    res.write('data: [DONE]\n\n');
    res.end();
  }
}
