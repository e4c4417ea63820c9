import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFakeDirectives, type FakeScenario } from './fake-model-script.js';
import { DEFAULT_FAKE_USAGE, streamChatAnswer, streamResponsesAnswer, type FakeUsage } from './fake-model-stream.js';

export type FakeWireKind = 'responses' | 'chat';

/** What the fake understood of one model request; a programmatic script decides from this. */
export type FakeModelRequest = {
  kind: FakeWireKind;
  /** All user-message text of the conversation, joined by newlines (the stage prompt is in here). */
  userText: string;
  /** Tool results already in the conversation = index of the step to answer with. */
  toolResults: number;
  /** Names of the tools the client declared. */
  toolNames: string[];
  body: Record<string, unknown>;
};

/** One entry of the request log. */
export type FakeRequestRecord = {
  method: string;
  url: string;
  kind: FakeWireKind | 'models' | 'unknown';
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
  userText: string;
  toolResults: number;
  /** Step index answered (null for non-model requests). */
  step: number | null;
};

export type FakeModelScript = (request: FakeModelRequest) => Partial<FakeScenario> | undefined;

export type FakeModelServerOptions = {
  /** Decides the scenario per request; when it returns undefined, the `@@fake-*` directives in the prompt decide. */
  script?: FakeModelScript;
  /** Usage reported for every model request (defaults: input 120, cached 20, output 30, reasoning 5). */
  usage?: Partial<FakeUsage>;
};

export type FakeModelServer = {
  port: number;
  /** `http://127.0.0.1:<port>/v1`: clients append `/responses`, `/chat/completions` or `/models`. */
  baseUrl: string;
  /** Every request seen, in arrival order. */
  requests: FakeRequestRecord[];
  close(): Promise<void>;
};

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => {
      if (typeof part === 'string') return part;
      const p = part as { text?: unknown; input_text?: unknown } | null;
      return typeof p?.text === 'string' ? p.text : typeof p?.input_text === 'string' ? p.input_text : '';
    })
    .join('\n');
}

type Item = { type?: unknown; role?: unknown; content?: unknown; name?: unknown; function?: { name?: unknown } };

function analyse(body: Record<string, unknown>, kind: FakeWireKind): Omit<FakeModelRequest, 'kind' | 'body'> {
  const userParts: string[] = [];
  let toolResults = 0;
  const items: Item[] = kind === 'responses'
    ? typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : Array.isArray(body.input) ? (body.input as Item[]) : []
    : Array.isArray(body.messages) ? (body.messages as Item[]) : [];
  for (const item of items) {
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output' || item.role === 'tool') toolResults += 1;
    else if (item.role === 'user' && (item.type === undefined || item.type === 'message')) userParts.push(textOf(item.content));
  }
  const tools = Array.isArray(body.tools) ? (body.tools as Item[]) : [];
  const toolNames = tools.map((t) => (typeof t.name === 'string' ? t.name : typeof t.function?.name === 'string' ? t.function.name : '')).filter(Boolean);
  return { userText: userParts.join('\n'), toolResults, toolNames };
}

function wireKind(url: string): FakeWireKind | undefined {
  const path = url.split('?')[0] ?? '';
  if (path.endsWith('/responses')) return 'responses';
  if (path.endsWith('/chat/completions')) return 'chat';
  return undefined;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

/**
 * A scripted stand-in for an OpenAI-compatible model endpoint, bound to 127.0.0.1 on a free port.
 * Serves `POST <any prefix>/responses` and `POST <any prefix>/chat/completions` as SSE streams and `GET .../models`; the answer is one
 * shell tool call per scripted step, then the final text. Stateless per request, so retries are deterministic.
 */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const usage: FakeUsage = { ...DEFAULT_FAKE_USAGE, ...options.usage };
  const requests: FakeRequestRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;
  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { timers.delete(timer); resolve(); }, ms);
    timers.add(timer);
  });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let closed = false;
        res.on('close', () => { closed = true; });
        const alive = () => !closed && !res.writableEnded;
        const url = req.url ?? '';
        const method = req.method ?? 'GET';
        let body: Record<string, unknown> = {};
        try {
          const parsed: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        } catch {
          // a non-JSON body is logged as {} and answered like an empty request
        }
        const base = { method, url, headers: req.headers, body, userText: '', toolResults: 0, step: null };
        const kind = wireKind(url);
        if (method === 'GET' && /\/models(\?|$)/.test(url)) {
          requests.push({ ...base, kind: 'models' });
          return sendJson(res, 200, { object: 'list', data: [{ id: 'fake-model', object: 'model', created: 0, owned_by: 'fake' }] });
        }
        if (method !== 'POST' || !kind) {
          requests.push({ ...base, kind: 'unknown' });
          return sendJson(res, 404, { error: { message: `fake model server: no route ${method} ${url}`, type: 'invalid_request_error' } });
        }
        const analysed = analyse(body, kind);
        const scenario = { ...parseFakeDirectives(analysed.userText), ...options.script?.({ kind, body, ...analysed }) };
        const step = Math.min(analysed.toolResults, scenario.steps.length - 1);
        requests.push({ ...base, kind, userText: analysed.userText, toolResults: analysed.toolResults, step });
        if (scenario.errorStatus) {
          return sendJson(res, scenario.errorStatus, { error: { message: `fake server scripted error ${scenario.errorStatus}`, type: 'invalid_request_error', code: 'fake_error' } });
        }
        if (scenario.delayMs > 0) await wait(scenario.delayMs);
        if (!alive()) return;
        seq += 1;
        const stepValue = scenario.steps[step] ?? { text: '' };
        const input = { res, seq, model: typeof body.model === 'string' ? body.model : 'fake-model', step: stepValue, toolNames: analysed.toolNames, usage, chunkDelayMs: scenario.chunkDelayMs, alive };
        await (kind === 'responses' ? streamResponsesAnswer(input) : streamChatAnswer(input));
      })().catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: `fake model server bug: ${String(error)}` } });
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
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
