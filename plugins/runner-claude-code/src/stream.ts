import type { RunnerActivityInput, TokenUsage } from '@millrace/plugin-api';
import { BoundedLineSplitter, isOversizedLine, type OversizedLine } from '@millrace/plugin-api/agent-output';

/** The final `result` event of `claude -p --output-format stream-json`. */
export type ClaudeResult = {
  subtype: string;
  isError: boolean;
  /** The final assistant text (the terminal marker is read from it); null when the event carried none. */
  text: string | null;
  numTurns: number | null;
  costUsd: number | null;
  usage: TokenUsage | null;
  /** HTTP status of the API error that ended the session, if any. */
  apiErrorStatus: number | null;
  terminalReason: string | null;
  errors: string[];
};

/** Something claude did, one per line of its output: the host shows it and counts it as a sign of life. */
export type ClaudeActivity =
  | { kind: 'tool_call'; tool: string; detail: string }
  | { kind: 'assistant_text'; text: string }
  | { kind: 'api_retry'; attempt: number; error: string }
  /** Any other line (init, tool results, the result, unknown or malformed lines). */
  | { kind: 'stream_event'; what: string };

export type ClaudeStreamSummary = {
  /** JSON object lines seen (of any type). */
  eventCount: number;
  /** 1-based numbers of the first MAX_RECORDED_MALFORMED non-empty lines that are not JSON objects. */
  malformedLines: number[];
  /** How many non-empty lines were not JSON objects. */
  malformedLineCount: number;
  /** 1-based numbers of the first MAX_RECORDED_MALFORMED lines over the line limit (DEFAULT_MAX_LINE_CHARS), dropped unread. */
  oversizedLines: number[];
  oversizedLineCount: number;
  /** Lines whose `type` this parser does not know (ignored). */
  unknownEventCount: number;
  toolCallCount: number;
  /** The model claude announced in its `system/init` event. */
  model: string | null;
  lastAssistantText: string | null;
  /** The last `result` event (claude prints exactly one per prompt). */
  result: ClaudeResult | null;
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.trunc(v) : 0);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

const KNOWN_TYPES: ReadonlySet<string> = new Set(['system', 'assistant', 'user', 'result', 'stream_event']);

/**
 * Pure: Anthropic usage to Millrace's normalized shape. Anthropic's `input_tokens` leaves out the prompt tokens read
 * from and written to the cache; Millrace's `input_tokens` counts all prompt tokens, the cached ones being parts of it.
 * Claude reports no total: total = input + output.
 */
export function normalizeClaudeUsage(usage: unknown): TokenUsage | null {
  if (!isObject(usage)) return null;
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const input = count(usage.input_tokens) + cacheRead + cacheWrite;
  const output = count(usage.output_tokens);
  const details = isObject(usage.output_tokens_details) ? usage.output_tokens_details : {};
  return {
    input_tokens: input,
    cached_input_tokens: cacheRead,
    cache_write_input_tokens: cacheWrite,
    output_tokens: output,
    thinking_tokens: count(details.thinking_tokens),
    total_tokens: input + output,
  };
}

function parseResult(event: Json): ClaudeResult {
  const cost = event.total_cost_usd;
  const status = event.api_error_status;
  return {
    subtype: text(event.subtype) ?? 'unknown',
    isError: event.is_error === true,
    text: text(event.result),
    numTurns: typeof event.num_turns === 'number' ? event.num_turns : null,
    costUsd: typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : null,
    usage: normalizeClaudeUsage(event.usage),
    apiErrorStatus: typeof status === 'number' ? status : null,
    terminalReason: text(event.terminal_reason),
    errors: Array.isArray(event.errors) ? event.errors.filter((e): e is string => typeof e === 'string') : [],
  };
}

const oneLine = (value: string, max = 160) => {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function toolDetail(input: unknown): string {
  if (!isObject(input)) return '';
  const first = [input.command, input.file_path, input.path, input.pattern, input.url, input.description].find((v) => typeof v === 'string');
  return typeof first === 'string' ? oneLine(first) : '';
}

/**
 * Incremental parser of the stream-json output: feed it stdout chunks as they arrive (a line may be split across
 * chunks, a multi-byte character too). Lines are split on `\n` only. Unknown event types are counted and ignored;
 * lines that are not JSON objects, and lines over the splitter's limit (dropped unread), are counted with their line number.
 */
/** Line numbers kept for the notes (which name the first few); the count goes on past them. */
const MAX_RECORDED_MALFORMED = 100;

export class ClaudeStreamParser {
  private readonly splitter = new BoundedLineSplitter();
  private lineNumber = 0;
  private readonly state: ClaudeStreamSummary = { eventCount: 0, malformedLines: [], malformedLineCount: 0, oversizedLines: [], oversizedLineCount: 0, unknownEventCount: 0, toolCallCount: 0, model: null, lastAssistantText: null, result: null };

  /** Consume a chunk; returns the activity of the lines it completed (at least one per non-empty line). */
  push(chunk: Uint8Array | string): ClaudeActivity[] {
    return this.lines(this.splitter.push(chunk));
  }

  /** End of stream: an unterminated last line still counts. */
  end(): ClaudeActivity[] {
    return this.lines(this.splitter.end());
  }

  summary(): ClaudeStreamSummary {
    return { ...this.state, malformedLines: [...this.state.malformedLines], oversizedLines: [...this.state.oversizedLines] };
  }

  private lines(lines: Array<string | OversizedLine>): ClaudeActivity[] {
    const activity: ClaudeActivity[] = [];
    for (const line of lines) activity.push(...this.line(line));
    return activity;
  }

  private malformed(): ClaudeActivity[] {
    this.state.malformedLineCount += 1;
    if (this.state.malformedLines.length < MAX_RECORDED_MALFORMED) this.state.malformedLines.push(this.lineNumber);
    return [{ kind: 'stream_event', what: 'malformed line' }];
  }

  private oversized(): ClaudeActivity[] {
    this.state.oversizedLineCount += 1;
    if (this.state.oversizedLines.length < MAX_RECORDED_MALFORMED) this.state.oversizedLines.push(this.lineNumber);
    return [{ kind: 'stream_event', what: 'line over the length limit (not read)' }];
  }

  private line(raw: string | OversizedLine): ClaudeActivity[] {
    this.lineNumber += 1;
    if (isOversizedLine(raw)) return this.oversized();
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return [];
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      event = undefined;
    }
    if (!isObject(event)) return this.malformed();
    this.state.eventCount += 1;
    const type = text(event.type) ?? '';
    const subtype = text(event.subtype);
    const what = subtype ? `${type} ${subtype}` : type || 'event without a type';
    if (!KNOWN_TYPES.has(type)) {
      this.state.unknownEventCount += 1;
      return [{ kind: 'stream_event', what }];
    }
    if (type === 'result') this.state.result = parseResult(event);
    if (type === 'system' && subtype === 'init') this.state.model = text(event.model) ?? this.state.model;
    if (type === 'system' && subtype === 'api_retry') return [{ kind: 'api_retry', attempt: count(event.attempt), error: text(event.error) ?? 'unknown' }];
    if (type === 'user') return [{ kind: 'stream_event', what: 'tool result' }];
    const assistant = type === 'assistant' && isObject(event.message) && Array.isArray(event.message.content) ? this.assistant(event.message.content) : [];
    return assistant.length > 0 ? assistant : [{ kind: 'stream_event', what }];
  }

  private assistant(content: unknown[]): ClaudeActivity[] {
    const activity: ClaudeActivity[] = [];
    for (const block of content) {
      if (!isObject(block)) continue;
      if (block.type === 'tool_use' && typeof block.name === 'string') {
        this.state.toolCallCount += 1;
        activity.push({ kind: 'tool_call', tool: block.name, detail: toolDetail(block.input) });
      } else if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') {
        this.state.lastAssistantText = block.text;
        activity.push({ kind: 'assistant_text', text: oneLine(block.text) });
      }
    }
    return activity;
  }
}

/** Pure convenience: parse a whole stream at once. */
export function parseClaudeStream(output: string): ClaudeStreamSummary {
  const parser = new ClaudeStreamParser();
  parser.push(output);
  parser.end();
  return parser.summary();
}

/** The host's activity for one of ours (`RunnerContext.onActivity`). */
export function toRunnerActivity(activity: ClaudeActivity): RunnerActivityInput {
  const kind = activity.kind === 'tool_call' ? 'tool' : activity.kind === 'assistant_text' ? 'output' : 'event';
  return { kind, text: describeActivity(activity) };
}

/** One line of text for an activity. */
export function describeActivity(activity: ClaudeActivity): string {
  switch (activity.kind) {
    case 'tool_call':
      return activity.detail ? `tool ${activity.tool}: ${activity.detail}` : `tool ${activity.tool}`;
    case 'assistant_text':
      return `assistant: ${activity.text}`;
    case 'api_retry':
      return `API retry ${activity.attempt} (${activity.error})`;
    case 'stream_event':
      return activity.what;
  }
}
