import { ClaudeStreamParser, describeActivity, normalizeClaudeUsage, parseClaudeStream, toRunnerActivity } from '../../src/stream.js';
import { INIT_LINE, SUCCESS_STREAM, TEXT_LINE, TOOL_RESULT_LINE, TOOL_USE_LINE, resultLine } from '../support/recorded-stream.js';

describe('claude stream-json parser', () => {
  it('reads the result text, usage, cost and the activity of a whole run', () => {
    const summary = parseClaudeStream(SUCCESS_STREAM);
    expect(summary).toMatchObject({ eventCount: 5, malformedLines: [], unknownEventCount: 0, toolCallCount: 1, model: 'fake-model', lastAssistantText: 'Done.\n### BUILDER_COMPLETE' });
    expect(summary.result).toEqual({
      subtype: 'success',
      isError: false,
      text: 'Done.\n### BUILDER_COMPLETE',
      numTurns: 2,
      costUsd: 0.0016,
      usage: { input_tokens: 230, cached_input_tokens: 20, cache_write_input_tokens: 10, output_tokens: 40, thinking_tokens: 3, total_tokens: 270 },
      apiErrorStatus: null,
      terminalReason: 'completed',
      errors: [],
    });
  });

  it('gives the same answer whatever the chunking, even one byte at a time through a multi-byte character', () => {
    const text = `${INIT_LINE}\n${JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'héllo ✓' }] } })}\n${resultLine({ result: 'fin ✓\n### BUILDER_COMPLETE' })}`;
    const bytes = Buffer.from(text, 'utf8');
    const parser = new ClaudeStreamParser();
    const activity = [];
    for (let i = 0; i < bytes.length; i += 1) activity.push(...parser.push(bytes.subarray(i, i + 1)));
    // the last line has no newline: it only counts at the end of the stream
    expect(parser.summary().result).toBeNull();
    activity.push(...parser.end());
    expect(parser.summary().result?.text).toBe('fin ✓\n### BUILDER_COMPLETE');
    expect(activity).toEqual([{ kind: 'stream_event', what: 'system init' }, { kind: 'assistant_text', text: 'héllo ✓' }, { kind: 'stream_event', what: 'result success' }]);
  });

  it('reports tool calls and assistant text as activity as soon as their line is complete', () => {
    const parser = new ClaudeStreamParser();
    expect(parser.push(`${TOOL_USE_LINE.slice(0, 40)}`)).toEqual([]);
    const activity = parser.push(`${TOOL_USE_LINE.slice(40)}\n${TEXT_LINE}\n`);
    expect(activity.map(describeActivity)).toEqual(['tool Bash: touch proof.txt', 'assistant: Done. ### BUILDER_COMPLETE']);
    expect(activity.map(toRunnerActivity)).toEqual([{ kind: 'tool', text: 'tool Bash: touch proof.txt' }, { kind: 'output', text: 'assistant: Done. ### BUILDER_COMPLETE' }]);
  });

  it('reports one activity for every non-empty line, whatever it holds (the host counts them as signs of life)', () => {
    const parser = new ClaudeStreamParser();
    const activity = parser.push([INIT_LINE, '{"type":"rate_limit_event"}', 'not json', '', TOOL_RESULT_LINE, '{}', ''].join('\n'));
    expect(activity.map((a) => toRunnerActivity(a))).toEqual([
      { kind: 'event', text: 'system init' },
      { kind: 'event', text: 'rate_limit_event' },
      { kind: 'event', text: 'malformed line' },
      { kind: 'event', text: 'tool result' },
      { kind: 'event', text: 'event without a type' },
    ]);
  });

  it('ignores unknown event types and counts malformed lines with their numbers', () => {
    const summary = parseClaudeStream([INIT_LINE, '{"type":"rate_limit_event","x":1}', 'not json', '', '[1,2]', resultLine()].join('\r\n'));
    expect(summary).toMatchObject({ eventCount: 3, unknownEventCount: 1, malformedLines: [3, 5] });
    expect(summary.result?.isError).toBe(false);
  });

  it('reads an API error result', () => {
    const summary = parseClaudeStream(resultLine({ is_error: true, result: 'API Error: 400 bad', api_error_status: 400, terminal_reason: 'api_error', total_cost_usd: 0, usage: { input_tokens: 0, output_tokens: 0 } }));
    expect(summary.result).toMatchObject({ isError: true, apiErrorStatus: 400, terminalReason: 'api_error', costUsd: 0, usage: { total_tokens: 0 } });
  });

  it('normalizes usage defensively', () => {
    expect(normalizeClaudeUsage({ input_tokens: 5.9, output_tokens: -1, cache_read_input_tokens: 'x' })).toEqual({ input_tokens: 5, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, thinking_tokens: 0, total_tokens: 5 });
    expect(normalizeClaudeUsage({ input_tokens: 3, cache_read_input_tokens: 100, cache_creation_input_tokens: 7, output_tokens: 2 })).toEqual({ input_tokens: 110, cached_input_tokens: 100, cache_write_input_tokens: 7, output_tokens: 2, thinking_tokens: 0, total_tokens: 112 });
    expect(normalizeClaudeUsage(null)).toBeNull();
  });
});

describe('ClaudeStreamParser limits', () => {
  it('counts a line over the limit as oversized (not malformed) without holding it, and reads the lines after it', () => {
    const parser = new ClaudeStreamParser();
    parser.push(`${JSON.stringify({ type: 'system', subtype: 'init', model: 'm' })}\n`);
    for (let i = 0; i < 9; i += 1) parser.push('y'.repeat(1024 * 1024));
    parser.push(`\n${JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'hi' }] } })}\n`);
    parser.end();
    expect(parser.summary()).toMatchObject({ eventCount: 2, malformedLines: [], malformedLineCount: 0, oversizedLines: [2], oversizedLineCount: 1, lastAssistantText: 'hi' });
  });

  it('keeps the first 100 malformed line numbers and counts them all', () => {
    const parser = new ClaudeStreamParser();
    parser.push('junk\n'.repeat(1000));
    parser.end();
    const summary = parser.summary();
    expect(summary.malformedLines).toHaveLength(100);
    expect(summary.malformedLineCount).toBe(1000);
  });
});
