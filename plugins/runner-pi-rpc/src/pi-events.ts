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
 * pi's `input` excludes cached tokens. Non-numbers, booleans and negatives count as 0; floats are truncated.
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
    input_tokens: input,
    cached_input_tokens: cacheRead,
    cache_write_input_tokens: cacheWrite,
    output_tokens: output,
    thinking_tokens: 0,
    total_tokens: total,
  };
}

/** `get_last_assistant_text` answers `{text}`; after an abort pi answers `{}`. */
export function parseAssistantText(data: unknown): string | null {
  return isObject(data) && typeof data.text === 'string' ? data.text : null;
}

export type EventLogPolicy = 'failure_full' | 'full';

/** Event lines worth persisting: everything except the bulky `message_update` snapshots, per the policy. */
export function selectEventLogLines(events: ReadonlyArray<{ type: string; line: string }>, policy: EventLogPolicy, exitKind: ExitKind): string[] {
  if (policy === 'failure_full' && exitKind === 'completed') return [];
  return events.filter((e) => e.type !== 'message_update').map((e) => e.line);
}

export type FinishedSession = { exitKind: ExitKind; exitCode: number; failureClass: string | null; note: string | null };

/** Pure: the verdict of a session that reached its final agent_end (runners.md §10.2 "Final"). */
export function decideFinishedSession(providerError: boolean, assistantText: string | null): FinishedSession {
  const blank = assistantText === null || assistantText.trim() === '';
  if (providerError && blank) return { exitKind: 'provider_error', exitCode: 1, failureClass: 'runner_provider_failure', note: 'pi reported a provider error and produced no assistant text' };
  if (blank) return { exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_empty_assistant_text', note: 'pi produced no assistant text' };
  return { exitKind: 'completed', exitCode: 0, failureClass: null, note: null };
}
