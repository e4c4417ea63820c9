/** Lines shaped like claude 2.1.328's `-p --output-format stream-json --verbose` output (trimmed to what matters). */
export const INIT_LINE = JSON.stringify({ type: 'system', subtype: 'init', cwd: '/ws', session_id: 's-1', tools: ['Bash', 'Read'], model: 'fake-model', permissionMode: 'acceptEdits' });
export const TOOL_USE_LINE = JSON.stringify({
  type: 'assistant',
  message: { id: 'msg_1', role: 'assistant', model: 'fake-model', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'touch proof.txt', description: 'proof' } }], usage: { input_tokens: 100, output_tokens: 1 } },
  session_id: 's-1',
});
export const TOOL_RESULT_LINE = JSON.stringify({ type: 'user', message: { role: 'user', content: [{ tool_use_id: 'toolu_1', type: 'tool_result', content: '(Bash completed with no output)', is_error: false }] }, session_id: 's-1' });
export const TEXT_LINE = JSON.stringify({ type: 'assistant', message: { id: 'msg_2', role: 'assistant', content: [{ type: 'text', text: 'Done.\n### BUILDER_COMPLETE' }] }, session_id: 's-1' });
export const resultLine = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'result',
    subtype: 'success',
    is_error: false,
    result: 'Done.\n### BUILDER_COMPLETE',
    num_turns: 2,
    total_cost_usd: 0.0016,
    usage: { input_tokens: 200, cache_creation_input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 40, output_tokens_details: { thinking_tokens: 3 } },
    api_error_status: null,
    terminal_reason: 'completed',
    session_id: 's-1',
    ...overrides,
  });
export const SUCCESS_STREAM = [INIT_LINE, TOOL_USE_LINE, TOOL_RESULT_LINE, TEXT_LINE, resultLine()].join('\n') + '\n';
