import type { RpcEvent } from '../../src/rpc-client.js';
import { decideFinishedSession, isBlockingUiRequest, isProviderErrorEvent, parseAssistantText, parseSessionTokens, providerErrorMessage, selectEventLogLines, activityFromPiEvent, parseSessionCost, usageOfMessageEnd } from '../../src/pi-events.js';
import { ABORT_LINES, PROVIDER_ERROR_AGENT_END, PROVIDER_ERROR_MESSAGE, STATS_RESPONSE, SUCCESS_RUN_LINES } from '../support/recorded-pi-lines.js';

const parse = (line: string) => JSON.parse(line) as RpcEvent;

describe('isProviderErrorEvent', () => {
  it('detects stopReason error on a message or as the last assistant entry of messages', () => {
    expect(isProviderErrorEvent(parse(PROVIDER_ERROR_AGENT_END))).toBe(true);
    expect(providerErrorMessage(parse(PROVIDER_ERROR_AGENT_END))).toBe(PROVIDER_ERROR_MESSAGE);
    expect(isProviderErrorEvent({ type: 'message_end', message: { role: 'assistant', stopReason: 'error' } })).toBe(true);
  });

  it('is false for every event of a successful run and for an abort', () => {
    expect([...SUCCESS_RUN_LINES, ...ABORT_LINES].map(parse).filter(isProviderErrorEvent)).toEqual([]);
  });
});

describe('parseSessionTokens', () => {
  it('maps pi session tokens: pi input excludes cache, the normalized input adds cacheRead and cacheWrite back', () => {
    expect(parseSessionTokens((JSON.parse(STATS_RESPONSE) as { data: unknown }).data)).toEqual({
      input_tokens: 240,
      cached_input_tokens: 40,
      cache_write_input_tokens: 0,
      output_tokens: 60,
      thinking_tokens: 0,
      total_tokens: 300,
    });
  });

  it('treats non-numbers, booleans and negatives as 0, truncates floats, and sums when total is 0', () => {
    expect(parseSessionTokens({ tokens: { input: 10.9, output: true, cacheRead: -4, cacheWrite: '7', total: 0 } })).toEqual({
      input_tokens: 10,
      cached_input_tokens: 0,
      cache_write_input_tokens: 0,
      output_tokens: 0,
      thinking_tokens: 0,
      total_tokens: 10,
    });
    expect(parseSessionTokens({ tokens: { input: 1, output: 2, cacheRead: 3, cacheWrite: 4 } })?.total_tokens).toBe(10);
  });

  it('returns null without a tokens object', () => {
    expect(parseSessionTokens({})).toBeNull();
    expect(parseSessionTokens(null)).toBeNull();
  });
});

describe('parseSessionCost', () => {
  it('keeps a positive session cost and treats 0 or garbage as not priced', () => {
    expect(parseSessionCost({ cost: 0.042 })).toBe(0.042);
    expect(parseSessionCost({ cost: 0 })).toBeNull();
    expect(parseSessionCost({ cost: '1' })).toBeNull();
    expect(parseSessionCost(null)).toBeNull();
  });
});

describe('activityFromPiEvent and usageOfMessageEnd', () => {
  it('describes tool calls, assistant text and lifecycle events; skips the rest', () => {
    expect(activityFromPiEvent({ type: 'tool_execution_start', toolName: 'bash', args: { command: 'npm test' } })).toEqual({ kind: 'tool', text: 'bash: npm test' });
    expect(activityFromPiEvent({ type: 'tool_execution_end', toolName: 'bash', isError: true })).toEqual({ kind: 'tool', text: 'bash failed' });
    expect(activityFromPiEvent({ type: 'message_end', message: { role: 'assistant', content: [{ type: 'toolCall' }, { type: 'text', text: 'Done.' }] } })).toEqual({ kind: 'output', text: 'Done.' });
    expect(activityFromPiEvent({ type: 'message_end', message: { role: 'user', content: [{ type: 'text', text: 'prompt' }] } })).toBeNull();
    expect(activityFromPiEvent({ type: 'message_update' })).toBeNull();
    expect(activityFromPiEvent({ type: 'agent_end' })).toEqual({ kind: 'event', text: 'agent finished' });
  });

  it('normalizes the usage of a finished assistant message like the session stats', () => {
    const event = { type: 'message_end', message: { role: 'assistant', content: [], usage: { input: 100, output: 30, cacheRead: 20, cacheWrite: 0, totalTokens: 150 } } };
    expect(usageOfMessageEnd(event)).toEqual({ input_tokens: 120, cached_input_tokens: 20, cache_write_input_tokens: 0, output_tokens: 30, thinking_tokens: 0, total_tokens: 150 });
    expect(usageOfMessageEnd({ type: 'message_end', message: { role: 'toolResult' } })).toBeNull();
  });
});

describe('parseAssistantText', () => {
  it('reads data.text and treats the post-abort empty data object as no text', () => {
    expect(parseAssistantText({ text: 'hi' })).toBe('hi');
    expect(parseAssistantText({})).toBeNull();
    expect(parseAssistantText({ text: null })).toBeNull();
  });
});

describe('isBlockingUiRequest', () => {
  it('matches dialog requests only', () => {
    expect(isBlockingUiRequest({ type: 'extension_ui_request', id: 'u1', method: 'confirm' })).toBe(true);
    expect(isBlockingUiRequest({ type: 'extension_ui_request', id: 'u2', method: 'notify' })).toBe(false);
  });
});

describe('selectEventLogLines', () => {
  const events = SUCCESS_RUN_LINES.map((line) => ({ type: parse(line).type, line }));

  it('keeps nothing for a completed run under failure_full', () => {
    expect(selectEventLogLines(events, 'failure_full', 'completed')).toEqual([]);
  });

  it('keeps every event but message_update for failed runs, and always under full', () => {
    const failed = selectEventLogLines(events, 'failure_full', 'timeout');
    expect(failed.length).toBe(events.filter((e) => e.type !== 'message_update').length);
    expect(failed.some((l) => l.includes('"message_update"'))).toBe(false);
    expect(selectEventLogLines(events, 'full', 'completed')).toEqual(failed);
  });
});

describe('decideFinishedSession', () => {
  it('classifies provider errors, empty text and success', () => {
    expect(decideFinishedSession(true, null)).toMatchObject({ exitKind: 'provider_error', exitCode: 1, failureClass: 'runner_provider_failure' });
    expect(decideFinishedSession(true, '  ')).toMatchObject({ exitKind: 'provider_error' });
    expect(decideFinishedSession(false, '')).toMatchObject({ exitKind: 'runner_error', exitCode: 1, failureClass: 'runner_empty_assistant_text' });
    expect(decideFinishedSession(true, 'partial answer\n### BLOCKED')).toEqual({ exitKind: 'completed', exitCode: 0, failureClass: null, note: null });
  });
});
