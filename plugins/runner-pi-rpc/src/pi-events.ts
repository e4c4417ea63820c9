import type { ExitKind, TokenUsage } from '@millrace/plugin-api';
import type { RpcEvent } from './rpc-client.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An assistant message that ended with `stopReason: "error"`, directly or as the last assistant entry of `messages`. */
export function isProviderErrorEvent(event: RpcEvent): boolean {
  if (isObject(event.message) && event.message.stopReason === 'error') return true;
  if (!Array.isArray(event.messages)) return false;
  const lastAssistant = [...event.messages].reverse().find((m) => isObject(m) && m.role === 'assistant');
  return isObject(lastAssistant) && lastAssistant.stopReason === 'error';
}

/** The error text pi attached to a failed assistant message, if any. */
export function providerErrorMessage(event: RpcEvent): string | null {
  const candidates = [event.message, ...(Array.isArray(event.messages) ? [...event.messages].reverse() : [])];
  for (const m of candidates) {
    if (isObject(m) && m.stopReason === 'error' && typeof m.errorMessage === 'string') return m.errorMessage;
  }
  return null;
}

/** Dialog requests block pi until answered; a headless stage has nobody to answer them. */
export function isBlockingUiRequest(event: RpcEvent): event is RpcEvent & { id: string } {
  return event.type === 'extension_ui_request' && typeof event.id === 'string' && ['select', 'confirm', 'input', 'editor'].includes(String(event.method));
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.trunc(value) : 0);

/**
 * Token usage from `get_session_stats` `data.tokens` (pi sums every model request of the session).
 * pi's `input` excludes cached tokens; the normalized `input_tokens` counts every prompt token, so cache reads and
 * writes are added back. Non-numbers, booleans and negatives count as 0; floats are truncated.
 */
export function parseSessionTokens(data: unknown): TokenUsage | null {
  if (!isObject(data) || !isObject(data.tokens)) return null;
  const t = data.tokens;
  const input = count(t.input);
  const output = count(t.output);
  const cacheRead = count(t.cacheRead);
  const cacheWrite = count(t.cacheWrite);
  const total = count(t.total) || input + output + cacheRead + cacheWrite;
  return {
    input_tokens: input + cacheRead + cacheWrite,
    cached_input_tokens: cacheRead,
    cache_write_input_tokens: cacheWrite,
    output_tokens: output,
    thinking_tokens: 0,
    total_tokens: total,
  };
}

/** pi prices the session from its model table (`get_session_stats` `data.cost`); 0 means "not priced", so null. */
export function parseSessionCost(data: unknown): number | null {
  return isObject(data) && typeof data.cost === 'number' && Number.isFinite(data.cost) && data.cost > 0 ? data.cost : null;
}

type Activity = { kind: 'output' | 'tool' | 'event'; text: string };

function assistantText(message: unknown): string | null {
  if (!isObject(message) || message.role !== 'assistant' || !Array.isArray(message.content)) return null;
  const texts = message.content.filter((c): c is Json => isObject(c) && c.type === 'text' && typeof c.text === 'string').map((c) => String(c.text));
  return texts.length ? texts.join('\n') : null;
}

/** Pure: what one pi RPC event means for the live view; null for the bulky or uninteresting ones. */
export function activityFromPiEvent(event: RpcEvent): Activity | null {
  const tool = typeof event.toolName === 'string' ? event.toolName : 'tool';
  switch (event.type) {
    case 'tool_execution_start': {
      const args = isObject(event.args) ? event.args : {};
      const detail = typeof args.command === 'string' ? args.command : typeof args.path === 'string' ? args.path : '';
      return { kind: 'tool', text: detail ? `${tool}: ${detail}` : `${tool} started` };
    }
    case 'tool_execution_end':
      return { kind: 'tool', text: `${tool} ${event.isError === true ? 'failed' : 'finished'}` };
    case 'message_end': {
      const text = assistantText(event.message);
      return text ? { kind: 'output', text } : null;
    }
    case 'turn_start':
      return { kind: 'event', text: 'turn started' };
    case 'auto_retry_start':
      return { kind: 'event', text: 'retrying a failed model call' };
    case 'agent_end':
      return { kind: 'event', text: 'agent finished' };
    default:
      return null;
  }
}

/** Usage pi attached to one finished assistant message (`message_end`), normalized like the session stats. */
export function usageOfMessageEnd(event: RpcEvent): TokenUsage | null {
  if (event.type !== 'message_end' || !isObject(event.message) || event.message.role !== 'assistant' || !isObject(event.message.usage)) return null;
  const u = event.message.usage;
  return parseSessionTokens({ tokens: { input: u.input, output: u.output, cacheRead: u.cacheRead, cacheWrite: u.cacheWrite, total: u.totalTokens } });
}

/** `get_last_assistant_text` answers `{text}`; after an abort pi answers `{}`. */
export function parseAssistantText(data: unknown): string | null {
  return isObject(data) && typeof data.text === 'string' ? data.text : null;
}

export type EventLogPolicy = 'failure_full' | 'full';

/** Whether an event of this type goes to the event log: all but the bulky `message_update` snapshots. */
export const isLoggedEventType = (type: string): boolean => type !== 'message_update';

/** Whether a stage's event log is kept: always on failure, on success only with the `full` policy. */
export const keepsEventLog = (policy: EventLogPolicy, exitKind: ExitKind): boolean => policy === 'full' || exitKind !== 'completed';

/** Event lines worth persisting, per the policy (isLoggedEventType, keepsEventLog). */
export function selectEventLogLines(events: ReadonlyArray<{ type: string; line: string }>, policy: EventLogPolicy, exitKind: ExitKind): string[] {
  if (!keepsEventLog(policy, exitKind)) return [];
  return events.filter((e) => isLoggedEventType(e.type)).map((e) => e.line);
}

export type FinishedSession = { exitKind: ExitKind; exitCode: number; failureClass: string | null; note: string | null };

/** Pure: the verdict of a session that reached its final agent_end (runners.md §10.2 "Final"). */
export function decideFinishedSession(providerError: boolean, assistantText: string | null): FinishedSession {
  const blank = assistantText === null || assistantText.trim() === '';
  if (providerError && blank) return { exitKind: 'provider_error', exitCode: 1, failureClass: 'runner_provider_failure', note: 'pi reported a provider error and produced no assistant text' };
  if (blank) return { exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_empty_assistant_text', note: 'pi produced no assistant text' };
  return { exitKind: 'completed', exitCode: 0, failureClass: null, note: null };
}
