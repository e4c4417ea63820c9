/**
 * Message shapes observed from the real `pi --mode rpc --no-session` 0.73.1 (harness-mocks README §3.3–3.6),
 * rebuilt as JSON lines with the same keys. Used to prove the client and the pure parsers handle every shape.
 */
const usage = (input: number, output: number, cacheRead: number) => ({
  input,
  output,
  cacheRead,
  cacheWrite: 0,
  totalTokens: input + output + cacheRead,
  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 },
});
const user = { role: 'user', content: [{ type: 'text', text: 'Create the proof file, then finish.' }], timestamp: 1 };
const toolCall = { type: 'toolCall', id: 'call_fake_1', name: 'bash', arguments: { command: 'echo pi-tool-ran > proof.txt' } };
const assistantTool = { role: 'assistant', content: [toolCall], api: 'openai-completions', provider: 'fake', model: 'fake-model', usage: usage(100, 30, 20), stopReason: 'toolUse', responseId: 'chatcmpl-fake-1', timestamp: 2 };
const toolResult = { role: 'toolResult', toolCallId: 'call_fake_1', toolName: 'bash', content: [{ type: 'text', text: 'pi-tool-ran\n' }], isError: false, timestamp: 3 };
const finalText = 'Wrote proof.txt.\n### BUILDER_COMPLETE';
const assistantFinal = { role: 'assistant', content: [{ type: 'text', text: finalText }], api: 'openai-completions', provider: 'fake', model: 'fake-model', usage: usage(100, 30, 20), stopReason: 'stop', timestamp: 4 };
const partial = (m: object) => ({ partial: m });

const line = (value: object) => JSON.stringify(value);

/** A successful run with one bash tool call, as pi prints it after `set_auto_retry` and `prompt`. */
export const SUCCESS_RUN_LINES: string[] = [
  line({ id: 'auto-retry-1', type: 'response', command: 'set_auto_retry', success: true }),
  line({ id: 'prompt-1', type: 'response', command: 'prompt', success: true }),
  line({ type: 'agent_start' }),
  line({ type: 'turn_start' }),
  line({ type: 'message_start', message: user }),
  line({ type: 'message_end', message: user }),
  line({ type: 'message_start', message: { ...assistantTool, content: [], usage: usage(0, 0, 0), stopReason: 'stop' } }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'toolcall_start', contentIndex: 0, ...partial(assistantTool) }, message: assistantTool }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'toolcall_delta', contentIndex: 0, delta: '', ...partial(assistantTool) }, message: assistantTool }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'toolcall_end', contentIndex: 0, toolCall, ...partial(assistantTool) }, message: assistantTool }),
  line({ type: 'message_end', message: assistantTool }),
  line({ type: 'tool_execution_start', toolCallId: 'call_fake_1', toolName: 'bash', args: toolCall.arguments }),
  line({ type: 'tool_execution_update', toolCallId: 'call_fake_1', toolName: 'bash', args: toolCall.arguments, partialResult: { content: [] } }),
  line({ type: 'tool_execution_end', toolCallId: 'call_fake_1', toolName: 'bash', result: { content: [{ type: 'text', text: 'pi-tool-ran\n' }] }, isError: false }),
  line({ type: 'message_start', message: toolResult }),
  line({ type: 'message_end', message: toolResult }),
  line({ type: 'turn_end', message: assistantTool, toolResults: [toolResult] }),
  line({ type: 'turn_start' }),
  line({ type: 'message_start', message: { ...assistantFinal, content: [] } }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'text_start', contentIndex: 0, ...partial(assistantFinal) }, message: assistantFinal }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'Wrote proof.t', ...partial(assistantFinal) }, message: assistantFinal }),
  line({ type: 'message_update', assistantMessageEvent: { type: 'text_end', contentIndex: 0, content: finalText, ...partial(assistantFinal) }, message: assistantFinal }),
  line({ type: 'message_end', message: assistantFinal }),
  line({ type: 'turn_end', message: assistantFinal, toolResults: [] }),
  line({ type: 'agent_end', messages: [user, assistantTool, toolResult, assistantFinal] }),
];
export const SUCCESS_FINAL_TEXT = finalText;

export const LAST_TEXT_RESPONSE = line({ id: 'last-assistant-1', type: 'response', command: 'get_last_assistant_text', success: true, data: { text: finalText } });
export const STATS_RESPONSE = line({
  id: 'session-stats-1',
  type: 'response',
  command: 'get_session_stats',
  success: true,
  data: {
    sessionId: '01a2',
    userMessages: 1,
    assistantMessages: 2,
    toolCalls: 1,
    toolResults: 1,
    totalMessages: 4,
    tokens: { input: 200, output: 60, cacheRead: 40, cacheWrite: 0, total: 300 },
    cost: 0,
    contextUsage: { tokens: 150, contextWindow: 128000, percent: 0.1171875 },
  },
});

const aborted = { role: 'assistant', content: [], api: 'openai-completions', provider: 'fake', model: 'fake-model', usage: usage(0, 0, 0), stopReason: 'aborted', errorMessage: 'Request was aborted.', timestamp: 5 };
/** What pi prints after `abort` mid model request: the aborted message, agent_end, then the abort response. */
export const ABORT_LINES: string[] = [
  line({ type: 'message_start', message: aborted }),
  line({ type: 'message_end', message: aborted }),
  line({ type: 'turn_end', message: aborted, toolResults: [] }),
  line({ type: 'agent_end', messages: [user, aborted] }),
  line({ id: 'abort-1', type: 'response', command: 'abort', success: true }),
];
/** After an abort pi answers `get_last_assistant_text` with an empty data object. */
export const ABORTED_LAST_TEXT_RESPONSE = line({ id: 'last-assistant-1', type: 'response', command: 'get_last_assistant_text', success: true, data: {} });

const failed = { ...aborted, stopReason: 'error', errorMessage: '500 fake server scripted error 500' };
/** A provider failure with auto-retry on: agent_end is followed by a retry. */
export const RETRIED_FAILURE_LINES: string[] = [
  line({ type: 'agent_start' }),
  line({ type: 'message_end', message: failed }),
  line({ type: 'agent_end', messages: [user, failed] }),
  line({ type: 'auto_retry_start', attempt: 1, maxAttempts: 3, delayMs: 2000, errorMessage: failed.errorMessage }),
  line({ type: 'agent_start' }),
  line({ type: 'agent_end', messages: [user, assistantFinal] }),
  line({ type: 'auto_retry_end', success: true, attempt: 1 }),
];
export const PROVIDER_ERROR_AGENT_END = line({ type: 'agent_end', messages: [user, failed] });
export const PROVIDER_ERROR_MESSAGE = failed.errorMessage;
