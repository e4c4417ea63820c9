import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { TokenUsage } from '@millrace/plugin-api';
import { BoundedLineSplitter, isOversizedLine, type OversizedLine } from '@millrace/plugin-api/agent-output';

/** What the `codex exec --json` event stream says about one run. */
export type CodexEventSummary = {
  /** Usage summed over every `turn.completed` event (null when none carried usage). */
  tokenUsage: TokenUsage | null;
  turnCompleted: boolean;
  /** Message of the last `turn.failed` event: the only event that makes a turn final-failed. */
  turnFailedMessage: string | null;
  /** Messages of top-level `error` events and `error` items: informational (reconnect notices, metadata fallbacks). */
  errorMessages: string[];
  /** Text of the last `agent_message` item. */
  lastAgentMessage: string | null;
  /** 1-based numbers of non-empty lines that are not JSON objects. */
  malformedLines: number[];
  /** 1-based numbers of lines longer than the line limit (DEFAULT_MAX_LINE_CHARS), dropped unread. */
  oversizedLines: number[];
  eventCount: number;
};

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** `turn.completed.usage` (codex 0.169): input includes cached; there is no total, so total = input + output. */
function usageFromTurn(usage: JsonObject): TokenUsage | undefined {
  const input = count(usage.input_tokens);
  const output = count(usage.output_tokens);
  if (input === undefined || output === undefined) return undefined;
  return {
    input_tokens: input,
    cached_input_tokens: count(usage.cached_input_tokens) ?? 0,
    cache_write_input_tokens: count(usage.cache_write_input_tokens) ?? 0,
    output_tokens: output,
    thinking_tokens: count(usage.reasoning_output_tokens) ?? count(usage.thinking_tokens) ?? count(usage.reasoning_tokens) ?? 0,
    total_tokens: count(usage.total_tokens) ?? input + output,
  };
}

/** Older codex printed `token_count` events (runners.md §9.3); still understood, used only when no turn reported usage. */
function usageFromTokenCount(event: JsonObject): TokenUsage | undefined {
  const payload = event.type === 'event_msg' && isObject(event.payload) ? event.payload : event;
  if (payload.type !== 'token_count' || !isObject(payload.info)) return undefined;
  const usage = isObject(payload.info.total_token_usage) ? payload.info.total_token_usage : payload.info.last_token_usage;
  return isObject(usage) ? usageFromTurn(usage) : undefined;
}

const add = (a: TokenUsage, b: TokenUsage): TokenUsage => ({
  input_tokens: a.input_tokens + b.input_tokens,
  cached_input_tokens: a.cached_input_tokens + b.cached_input_tokens,
  cache_write_input_tokens: a.cache_write_input_tokens + b.cache_write_input_tokens,
  output_tokens: a.output_tokens + b.output_tokens,
  thinking_tokens: a.thinking_tokens + b.thinking_tokens,
  total_tokens: a.total_tokens + b.total_tokens,
});

const messageOf = (v: unknown): string | undefined => (isObject(v) && typeof v.message === 'string' ? v.message : undefined);

/** Line numbers kept of each kind (the outcome names the first five), and error messages kept (it quotes the last three). */
const MAX_RECORDED_MALFORMED = 100;
const MAX_RECORDED_ERRORS = 20;

/** Builds the summary one line at a time, so an event log of any size is read in bounded memory. */
class CodexEventSummarizer {
  private readonly summary: CodexEventSummary = { tokenUsage: null, turnCompleted: false, turnFailedMessage: null, errorMessages: [], lastAgentMessage: null, malformedLines: [], oversizedLines: [], eventCount: 0 };
  private legacy: TokenUsage | undefined;
  private lineNumber = 0;

  line(raw: string | OversizedLine): void {
    this.lineNumber += 1;
    const summary = this.summary;
    if (isOversizedLine(raw)) return this.oversized();
    const line = raw.trim();
    if (line === '') return;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      event = undefined;
    }
    if (!isObject(event)) return this.malformed();
    summary.eventCount += 1;
    if (event.type === 'turn.completed') {
      summary.turnCompleted = true;
      const usage = isObject(event.usage) ? usageFromTurn(event.usage) : undefined;
      if (usage) summary.tokenUsage = summary.tokenUsage ? add(summary.tokenUsage, usage) : usage;
    } else if (event.type === 'turn.failed') {
      summary.turnFailedMessage = messageOf(event.error) ?? 'turn failed without a message';
    } else if (event.type === 'error') {
      this.error(messageOf(event) ?? 'error event without a message');
    } else if (event.type === 'item.completed' && isObject(event.item)) {
      if (event.item.type === 'agent_message' && typeof event.item.text === 'string') summary.lastAgentMessage = event.item.text;
      else if (event.item.type === 'error') this.error(messageOf(event.item) ?? 'error item without a message');
    } else {
      const usage = usageFromTokenCount(event);
      if (usage && (!this.legacy || usage.total_tokens >= this.legacy.total_tokens)) this.legacy = usage;
    }
  }

  result(): CodexEventSummary {
    if (!this.summary.tokenUsage && this.legacy) this.summary.tokenUsage = this.legacy;
    return this.summary;
  }

  private malformed(): void {
    if (this.summary.malformedLines.length < MAX_RECORDED_MALFORMED) this.summary.malformedLines.push(this.lineNumber);
  }

  private oversized(): void {
    if (this.summary.oversizedLines.length < MAX_RECORDED_MALFORMED) this.summary.oversizedLines.push(this.lineNumber);
  }

  private error(message: string): void {
    if (this.summary.errorMessages.length === MAX_RECORDED_ERRORS) this.summary.errorMessages.shift();
    this.summary.errorMessages.push(message);
  }
}

/** Pure: summarise the JSONL text codex printed on stdout. */
export function parseCodexEvents(text: string): CodexEventSummary {
  const summarizer = new CodexEventSummarizer();
  const splitter = new BoundedLineSplitter();
  for (const line of splitter.push(text)) summarizer.line(line);
  for (const line of splitter.end()) summarizer.line(line);
  return summarizer.result();
}

/**
 * Summarise the event log codex wrote, read in chunks (it grows with everything the agent did and may be any
 * size); null when there is none.
 */
export async function summarizeCodexEventLog(path: string): Promise<CodexEventSummary | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO in its place never blocks
  } catch {
    return null;
  }
  const summarizer = new CodexEventSummarizer();
  const splitter = new BoundedLineSplitter();
  try {
    if (!(await handle.stat()).isFile()) return null;
    const buffer = Buffer.alloc(256 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      for (const line of splitter.push(buffer.subarray(0, bytesRead))) summarizer.line(line);
    }
  } catch {
    return null;
  } finally {
    await handle.close();
  }
  for (const line of splitter.end()) summarizer.line(line);
  return summarizer.result();
}

/** What one `codex exec --json` event means for the live view (`RunnerContext.onActivity`); null for noise. */
export type CodexActivity = { kind: 'output' | 'tool' | 'event'; text: string; usage?: TokenUsage };

/**
 * Pure: map one JSONL line to an activity. `usageSoFar` is the usage of the turns completed before this line; a
 * `turn.completed` reports the new running total.
 */
export function activityFromCodexLine(line: string, usageSoFar: TokenUsage | null): CodexActivity | null {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isObject(event)) return null;
  const item = isObject(event.item) ? event.item : null;
  if (event.type === 'turn.started') return { kind: 'event', text: 'turn started' };
  if (event.type === 'turn.completed') {
    const usage = isObject(event.usage) ? usageFromTurn(event.usage) : undefined;
    const total = usage ? (usageSoFar ? add(usageSoFar, usage) : usage) : undefined;
    return total ? { kind: 'event', text: 'turn completed', usage: total } : { kind: 'event', text: 'turn completed' };
  }
  if (event.type === 'turn.failed') return { kind: 'event', text: `turn failed: ${messageOf(event.error) ?? 'no message'}` };
  if (!item) return null;
  if (item.type === 'command_execution' && typeof item.command === 'string') {
    if (event.type === 'item.started') return { kind: 'tool', text: `exec ${item.command}` };
    if (event.type === 'item.completed') return { kind: 'tool', text: `exec exited ${typeof item.exit_code === 'number' ? item.exit_code : '?'}: ${item.command}` };
    return null;
  }
  if (event.type !== 'item.completed') return null;
  if (item.type === 'agent_message' && typeof item.text === 'string') return { kind: 'output', text: item.text };
  if (item.type === 'reasoning' && typeof item.text === 'string') return { kind: 'event', text: `thinking: ${item.text}` };
  if (typeof item.type === 'string' && item.type !== 'error') return { kind: 'event', text: item.type.replace(/_/g, ' ') };
  return null;
}

/** Feeds JSONL chunks to `onActivity` line by line, keeping the running usage total. */
export function createCodexActivityFeed(onActivity: (activity: CodexActivity) => void): { write(chunk: string): void; end(): void } {
  const splitter = new BoundedLineSplitter();
  let usage: TokenUsage | null = null;
  const handle = (line: string | OversizedLine) => {
    if (isOversizedLine(line) || line.trim() === '') return;
    const activity = activityFromCodexLine(line, usage);
    if (!activity) return;
    if (activity.usage) usage = activity.usage;
    onActivity(activity);
  };
  return {
    write(chunk) {
      splitter.push(chunk).forEach(handle);
    },
    end() {
      splitter.end().forEach(handle);
    },
  };
}
