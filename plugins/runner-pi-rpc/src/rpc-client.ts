import { isOversizedLine, type OversizedLine } from '@millrace/plugin-api/agent-output';
import { JsonlSplitter } from './jsonl-framing.js';

/** Any non-response record pi prints on stdout. */
export type RpcEvent = { type: string; [key: string]: unknown };
/** pi's answer to a command; `id` echoes the command's id. */
export type RpcResponse = { type: 'response'; id?: string; command?: string; success: boolean; data?: unknown; error?: string };
export type RpcCommand = { type: string; id?: string; [key: string]: unknown };

/** Event types pi 0.73 documents or was observed to emit; others are recorded but otherwise ignored. */
export const KNOWN_PI_EVENT_TYPES: ReadonlySet<string> = new Set([
  'agent_start',
  'agent_end',
  'turn_start',
  'turn_end',
  'message_start',
  'message_update',
  'message_end',
  'tool_execution_start',
  'tool_execution_update',
  'tool_execution_end',
  'queue_update',
  'compaction_start',
  'compaction_end',
  'auto_compaction_start',
  'auto_compaction_end',
  'auto_retry_start',
  'auto_retry_end',
  'extension_error',
  'extension_ui_request',
]);

/** The stream can no longer be trusted (malformed record), was closed, or stdin refused a write. */
export class RpcStreamError extends Error {
  constructor(
    message: string,
    readonly reason: 'malformed' | 'eof' | 'write_failed',
  ) {
    super(message);
    this.name = 'RpcStreamError';
  }
}

export type AwaitResponseResult = { kind: 'response'; response: RpcResponse } | { kind: 'timeout' } | { kind: 'cancelled' };
export type AwaitEventResult = { kind: 'event'; event: RpcEvent } | { kind: 'eof' } | { kind: 'timeout' } | { kind: 'cancelled' };

export type RpcClientHooks = {
  /** Every event, in arrival order, with its raw line (for the event log). */
  onEvent?: (event: RpcEvent, line: string) => void;
  /** Diagnostics such as ignored unknown event types (each reported once). */
  onNote?: (note: string) => void;
};

type Wake = () => void;

const MAX_TIMER_MS = 2_147_483_647;

/**
 * A small JSONL RPC client for `pi --mode rpc`, independent of the process: the owner pushes stdout
 * chunks in and calls `end()` at EOF; the client writes commands through `writeLine`.
 * Responses are matched by id (interleaved or out of order); events queue up for `awaitEvent`.
 */
export class PiRpcClient {
  private readonly splitter = new JsonlSplitter();
  private readonly responses = new Map<string, RpcResponse>();
  /** Commands sent with an id and not answered yet: id -> command type (insertion order = send order). */
  private readonly unanswered = new Map<string, string>();
  private readonly events: RpcEvent[] = [];
  private readonly unknownTypes = new Set<string>();
  private wakers: Wake[] = [];
  private ended = false;
  private failure: RpcStreamError | null = null;
  private lineNumber = 0;

  constructor(
    private readonly writeLine: (line: string) => Promise<void>,
    private readonly hooks: RpcClientHooks = {},
  ) {}

  get isEnded(): boolean {
    return this.ended;
  }

  get streamFailure(): RpcStreamError | null {
    return this.failure;
  }

  push(chunk: Uint8Array | string): void {
    if (this.failure) return;
    for (const line of this.splitter.push(chunk)) this.accept(line);
    this.wake();
  }

  end(): void {
    if (this.ended) return;
    if (!this.failure) {
      for (const line of this.splitter.end()) {
        // A process that dies mid-write leaves a torn last record: that is an incomplete stream, not a malformed one.
        if (isOversizedLine(line)) this.hooks.onNote?.(`discarded an unterminated pi rpc record of ${line.length} characters at end of stream`);
        else if (typeof parseRecord(line) === 'string') this.hooks.onNote?.(`discarded a truncated pi rpc record at end of stream: ${snippet(line)}`);
        else this.accept(line);
      }
    }
    this.ended = true;
    this.wake();
  }

  async send(command: RpcCommand): Promise<void> {
    if (command.id !== undefined) this.unanswered.set(command.id, command.type);
    try {
      await this.writeLine(JSON.stringify(command));
    } catch (error) {
      throw new RpcStreamError(`could not send pi rpc command ${command.type}: ${error instanceof Error ? error.message : String(error)}`, 'write_failed');
    }
  }

  /** Wait for the response with `id`; throws RpcStreamError on EOF or a malformed stream. */
  async awaitResponse(id: string, deadline: number, signal?: AbortSignal): Promise<AwaitResponseResult> {
    for (;;) {
      if (this.failure) throw this.failure;
      const response = this.responses.get(id);
      if (response) {
        this.responses.delete(id);
        return { kind: 'response', response };
      }
      if (this.ended) throw new RpcStreamError(`pi rpc stream ended while waiting for response ${id}`, 'eof');
      if (signal?.aborted) return { kind: 'cancelled' };
      if (Date.now() >= deadline) return { kind: 'timeout' };
      await this.nextWake(deadline, signal);
    }
  }

  /** Consume queued events until one matches; non-matching events are dropped (they were already reported). */
  async awaitEvent(matches: (event: RpcEvent) => boolean, deadline: number, signal?: AbortSignal): Promise<AwaitEventResult> {
    for (;;) {
      if (this.failure) throw this.failure;
      while (this.events.length > 0) {
        const event = this.events.shift() as RpcEvent;
        if (matches(event)) return { kind: 'event', event };
      }
      if (this.ended) return { kind: 'eof' };
      if (signal?.aborted) return { kind: 'cancelled' };
      if (Date.now() >= deadline) return { kind: 'timeout' };
      await this.nextWake(deadline, signal);
    }
  }

  /** Send a command with an id and wait for its response. */
  async request(command: RpcCommand & { id: string }, deadline: number, signal?: AbortSignal): Promise<AwaitResponseResult> {
    await this.send(command);
    return this.awaitResponse(command.id, deadline, signal);
  }

  private accept(line: string | OversizedLine): void {
    this.lineNumber += 1;
    if (isOversizedLine(line)) {
      this.failure = new RpcStreamError(`malformed pi rpc record on stdout line ${this.lineNumber}: longer than the limit (${line.length} characters, not read)`, 'malformed');
      return;
    }
    const record = parseRecord(line);
    if (typeof record === 'string') {
      this.failure = new RpcStreamError(`malformed pi rpc record on stdout line ${this.lineNumber}: ${record}: ${snippet(line)}`, 'malformed');
      return;
    }
    if (record.type === 'response') {
      const response = toResponse(record);
      // pi answers some failures (e.g. an unknown command) without echoing the id: match them to the oldest command of that type.
      const id = response.id ?? [...this.unanswered].find(([, type]) => type === response.command)?.[0];
      if (id === undefined) {
        this.hooks.onNote?.(`ignored pi rpc response without id for ${response.command ?? 'unknown command'}${response.error ? `: ${response.error}` : ''}`);
        return;
      }
      this.unanswered.delete(id);
      this.responses.set(id, { ...response, id });
      return;
    }
    if (!KNOWN_PI_EVENT_TYPES.has(record.type) && !this.unknownTypes.has(record.type)) {
      this.unknownTypes.add(record.type);
      this.hooks.onNote?.(`ignored unknown pi rpc event type ${JSON.stringify(record.type)}`);
    }
    this.events.push(record);
    this.hooks.onEvent?.(record, line);
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    for (const wake of wakers) wake();
  }

  private nextWake(deadline: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Node fires over-long timers at once; waking early only re-checks the deadline.
      const timer = setTimeout(done, Math.min(MAX_TIMER_MS, Math.max(0, deadline - Date.now())));
      signal?.addEventListener('abort', done, { once: true });
      this.wakers.push(done);
    });
  }
}

/** A record, or the reason it is malformed. */
function parseRecord(line: string): RpcEvent | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'invalid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record.type !== 'string') return 'missing string field "type"';
  return record as RpcEvent;
}

function toResponse(record: RpcEvent): RpcResponse {
  return {
    type: 'response',
    id: typeof record.id === 'string' ? record.id : undefined,
    command: typeof record.command === 'string' ? record.command : undefined,
    success: record.success === true,
    data: record.data,
    error: typeof record.error === 'string' ? record.error : undefined,
  };
}

function snippet(line: string): string {
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
