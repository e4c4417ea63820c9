import { DEFAULT_MAX_LINE_CHARS } from '@millrace/plugin-api/agent-output';
import { decideClaudeOutcome, finalLegalMarker, type ClaudeOutcomeInput, type ProcessOutcome } from '../../src/outcome.js';
import { parseClaudeStream } from '../../src/stream.js';
import { INIT_LINE, SUCCESS_STREAM, resultLine } from '../support/recorded-stream.js';

const exited = (exitCode: number | null, extra: Partial<ProcessOutcome> = {}): ProcessOutcome => ({
  exitCode, signal: null, timedOut: false, interrupted: false, binaryNotFound: false, spawnError: null, forcedKill: false, ...extra,
});
const decide = (proc: ProcessOutcome, stream: string, extra: Partial<ClaudeOutcomeInput> = {}) =>
  decideClaudeOutcome({ command: 'claude', process: proc, stream: parseClaudeStream(stream), legalMarkers: ['### BUILDER_COMPLETE', '### BLOCKED'], timeoutSeconds: 60, stderrTail: null, ...extra });

describe('claude outcome', () => {
  it('completes on a success result with text', () => {
    expect(decide(exited(0), SUCCESS_STREAM)).toEqual({ exit_kind: 'completed', exit_code: 0, observed_exit_kind: null, observed_exit_code: null, failure_class: null, notes: [] });
  });

  it('maps a missing binary and a spawn error', () => {
    expect(decide(exited(null, { binaryNotFound: true }), '')).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found' });
    expect(decide(exited(null, { spawnError: 'EACCES' }), '')).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['runner process error: EACCES'] });
  });

  it('maps an API error result to provider_error and other error results to runner_error, with a note', () => {
    const api = decide(exited(1), resultLine({ is_error: true, result: 'API Error: 400 bad', api_error_status: 400, terminal_reason: 'api_error' }));
    expect(api).toMatchObject({ exit_kind: 'provider_error', exit_code: 1, failure_class: 'runner_provider_failure', notes: ['claude reported an error result (success, api_error): API Error: 400 bad'] });
    const turns = decide(exited(1), resultLine({ is_error: true, subtype: 'error_max_turns', result: undefined, errors: ['Reached maximum number of turns (1)'], terminal_reason: 'max_turns' }));
    expect(turns).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_non_zero_exit', notes: ['claude reported an error result (error_max_turns, max_turns): Reached maximum number of turns (1)'] });
  });

  it('maps a stream without a result line to runner_transport_failure, or runner_non_zero_exit when claude failed', () => {
    expect(decide(exited(0), `${INIT_LINE}\n`)).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['claude exited without a result event in its stream-json output'] });
    expect(decide(exited(2), `${INIT_LINE}\n`, { stderrTail: 'boom' })).toMatchObject({ exit_kind: 'runner_error', exit_code: 2, failure_class: 'runner_non_zero_exit', notes: ['runner exited with non-zero status 2: boom', 'claude printed no result event'] });
  });

  it('maps a malformed stream to runner_transport_failure even when a result arrived', () => {
    expect(decide(exited(0), `${INIT_LINE}\n<html>oops\n${resultLine()}\n`)).toMatchObject({
      exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['malformed stream-json from claude: 1 line(s) are not JSON objects (line(s) 2)'],
    });
  });

  it('names lines over the length limit apart from lines that are not JSON', () => {
    const long = 'z'.repeat(DEFAULT_MAX_LINE_CHARS + 1);
    expect(decide(exited(0), `${INIT_LINE}\n${long}\n${resultLine()}\n`).notes).toEqual(['malformed stream-json from claude: 1 line(s) are longer than 8 Mi characters, not read (line(s) 2)']);
    expect(decide(exited(0), `${INIT_LINE}\noops\n${long}\n${resultLine()}\n`)).toMatchObject({
      exit_kind: 'runner_error', failure_class: 'runner_transport_failure',
      notes: ['malformed stream-json from claude: 1 line(s) are not JSON objects (line(s) 2); 1 line(s) are longer than 8 Mi characters, not read (line(s) 3)'],
    });
  });

  it('maps a blank result text to runner_empty_assistant_text', () => {
    expect(decide(exited(0), resultLine({ result: '  ' }))).toMatchObject({ exit_kind: 'runner_error', failure_class: 'runner_empty_assistant_text' });
  });

  it('maps timeout and interruption, reconciling a timeout after a final marker', () => {
    expect(decide(exited(null, { timedOut: true, forcedKill: true }), INIT_LINE)).toMatchObject({
      exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout', notes: ['runner process exceeded timeout of 60 seconds', 'processes killed after the SIGINT grace period'],
    });
    expect(decide(exited(null, { timedOut: true }), SUCCESS_STREAM)).toMatchObject({ exit_kind: 'completed', exit_code: 0, observed_exit_kind: 'timeout', observed_exit_code: 124, failure_class: null });
    expect(decide(exited(130, { interrupted: true }), INIT_LINE)).toMatchObject({ exit_kind: 'interrupted', failure_class: 'runner_interrupted' });
  });

  it('accepts a final marker only as the single legal marker on the last line', () => {
    expect(finalLegalMarker('x\n### BLOCKED\n', ['### BLOCKED'])).toBe('### BLOCKED');
    expect(finalLegalMarker('### BLOCKED\nmore', ['### BLOCKED'])).toBeNull();
    expect(finalLegalMarker('### OTHER', ['### BLOCKED'])).toBeNull();
  });
});
