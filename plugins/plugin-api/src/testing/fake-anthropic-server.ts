import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFakeDirectives, type FakeScenario, type FakeStep } from './fake-model-script.js';

/** Token counts the fake Anthropic endpoint reports for every Messages request. */
export type FakeAnthropicUsage = { input: number; cacheRead: number; cacheCreation: number; output: number };
export const DEFAULT_FAKE_ANTHROPIC_USAGE: FakeAnthropicUsage = { input: 100, cacheRead: 10, cacheCreation: 5, output: 20 };

/** What the fake understood of one Messages request; a programmatic script decides from this. */
export type FakeAnthropicRequest = {
  /** Text of every user message (tool results excluded), joined by newlines: the stage prompt is in here. */
  userText: string;
  /** `tool_result` blocks already in the conversation = index of the step to answer with. */
  toolResults: number;
  /** Names of the tools the client declared (Claude Code: `Bash`, `Read`, `Write`, ...). */
  toolNames: string[];
  body: Record<string, unknown>;
};

export type FakeAnthropicRequestRecord = {
  method: string;
  url: string;
  kind: 'messages' | 'count_tokens' | 'unknown';
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  userText: string;
  toolResults: number;
  /** Step index answered (null for anything but a Messages request). */
  step: number | null;
};

export type FakeAnthropicScript = (request: FakeAnthropicRequest) => Partial<FakeScenario> | undefined;

export type FakeAnthropicServerOptions = {
  /** Decides the scenario per request; when it returns undefined, the `@@fake-*` directives in the prompt decide. */
  script?: FakeAnthropicScript;
  usage?: Partial<FakeAnthropicUsage>;
};

export type FakeAnthropicServer = {
  port: number;
  /** `http://127.0.0.1:<port>`: the value for `ANTHROPIC_BASE_URL` (clients append `/v1/messages`). */
  baseUrl: string;
  requests: FakeAnthropicRequestRecord[];
  close(): Promise<void>;
};

type Block = { type?: unknown; text?: unknown; name?: unknown; content?: unknown };
type Message = { role?: unknown; content?: unknown };

function analyse(body: Record<string, unknown>): Omit<FakeAnthropicRequest, 'body'> {
  const userParts: string[] = [];
  let toolResults = 0;
  const messages = Array.isArray(body.messages) ? (body.messages as Message[]) : [];
  for (const message of messages) {
    if (message.role !== 'user') continue;
    if (typeof message.content === 'string') {
      userParts.push(message.content);
      continue;
    }
    for (const block of Array.isArray(message.content) ? (message.content as Block[]) : []) {
      if (block.type === 'tool_result') toolResults += 1;
      else if (block.type === 'text' && typeof block.text === 'string') userParts.push(block.text);
    }
  }
  const tools = Array.isArray(body.tools) ? (body.tools as Block[]) : [];
  const toolNames = tools.map((t) => (typeof t.name === 'string' ? t.name : '')).filter(Boolean);
  return { userText: userParts.join('\n'), toolResults, toolNames };
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

type ContentBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** One step as Messages content: a `Bash` tool call when the client offers that tool, else text. */
function contentFor(step: FakeStep, toolNames: string[], seq: number): ContentBlock {
  if ('text' in step) return { type: 'text', text: step.text };
  if (toolNames.includes('Bash')) return { type: 'tool_use', id: `toolu_fake_${seq}`, name: 'Bash', input: { command: step.shell, description: 'scripted by the fake model' } };
  return { type: 'text', text: `No Bash tool was offered for: ${step.shell}` };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function splitText(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

type AnswerInput = { res: ServerResponse; seq: number; model: string; block: ContentBlock; usage: FakeAnthropicUsage; chunkDelayMs: number; alive: () => boolean };

/** The Messages SSE sequence: message_start, one content block (start, deltas, stop), message_delta, message_stop. */
async function streamAnswer(input: AnswerInput): Promise<void> {
  const { res, block, usage, alive } = input;
  const send = (type: string, payload: Record<string, unknown>) => {
    if (alive()) res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`);
  };
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  send('message_start', {
    message: {
      id: `msg_fake_${input.seq}`,
      type: 'message',
      role: 'assistant',
      model: input.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input, cache_read_input_tokens: usage.cacheRead, cache_creation_input_tokens: usage.cacheCreation, output_tokens: 1 },
    },
  });
  if (block.type === 'tool_use') {
    send('content_block_start', { index: 0, content_block: { ...block, input: {} } });
    send('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
  } else {
    send('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    for (const text of splitText(block.text)) {
      if (input.chunkDelayMs > 0) await sleep(input.chunkDelayMs);
      send('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    }
  }
  send('content_block_stop', { index: 0 });
  send('message_delta', { delta: { stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: usage.output } });
  send('message_stop', {});
  if (alive()) res.end();
}

/**
 * A scripted stand-in for the Anthropic Messages API, bound to 127.0.0.1 on a free port. Serves
 * `POST /v1/messages` (SSE when `stream: true`, else one JSON message) and `POST /v1/messages/count_tokens`;
 * each scripted shell step becomes one `Bash` tool_use, the last step is the final text. Stateless per request:
 * the step is chosen by the number of tool results in the conversation, so retries are deterministic.
 */
export async function startFakeAnthropicServer(options: FakeAnthropicServerOptions = {}): Promise<FakeAnthropicServer> {
  const usage: FakeAnthropicUsage = { ...DEFAULT_FAKE_ANTHROPIC_USAGE, ...options.usage };
  const requests: FakeAnthropicRequestRecord[] = [];
  let seq = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let closed = false;
        res.on('close', () => {
          closed = true;
        });
        const alive = () => !closed && !res.writableEnded;
        const url = req.url ?? '';
        const method = req.method ?? 'GET';
        const path = url.split('?')[0] ?? '';
        let body: Record<string, unknown> = {};
        try {
          const parsed: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        } catch {
          // a non-JSON body is logged as {} and answered like an empty request
        }
        const base = { method, url, headers: req.headers, body, userText: '', toolResults: 0, step: null };
        if (method === 'POST' && path.endsWith('/v1/messages/count_tokens')) {
          requests.push({ ...base, kind: 'count_tokens' });
          return sendJson(res, 200, { input_tokens: usage.input });
        }
        if (method !== 'POST' || !path.endsWith('/v1/messages')) {
          requests.push({ ...base, kind: 'unknown' });
          return sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake Anthropic server: no route ${method} ${url}` } });
        }
        const analysed = analyse(body);
        const scenario = { ...parseFakeDirectives(analysed.userText), ...options.script?.({ body, ...analysed }) };
        const step = Math.min(analysed.toolResults, scenario.steps.length - 1);
        requests.push({ ...base, kind: 'messages', userText: analysed.userText, toolResults: analysed.toolResults, step });
        if (scenario.errorStatus) {
          return sendJson(res, scenario.errorStatus, { type: 'error', error: { type: 'invalid_request_error', message: `fake server scripted error ${scenario.errorStatus}` } });
        }
        if (scenario.delayMs > 0) await sleep(scenario.delayMs);
        if (!alive()) return;
        seq += 1;
        const model = typeof body.model === 'string' ? body.model : 'fake-model';
        const block = contentFor(scenario.steps[step] ?? { text: '' }, analysed.toolNames, seq);
        if (body.stream !== true) {
          return sendJson(res, 200, {
            id: `msg_fake_${seq}`,
            type: 'message',
            role: 'assistant',
            model,
            content: [block],
            stop_reason: block.type === 'tool_use' ? 'tool_use' : 'end_turn',
            stop_sequence: null,
            usage: { input_tokens: usage.input, cache_read_input_tokens: usage.cacheRead, cache_creation_input_tokens: usage.cacheCreation, output_tokens: usage.output },
          });
        }
        await streamAnswer({ res, seq, model, block, usage, chunkDelayMs: scenario.chunkDelayMs, alive });
      })().catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { type: 'error', error: { type: 'api_error', message: `fake Anthropic server bug: ${String(error)}` } });
        else res.destroy();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
