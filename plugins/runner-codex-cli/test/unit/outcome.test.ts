import { parseCodexEvents, type CodexEventSummary } from '../../src/events.js';
import { decideCodexOutcome, selectReconciledMarker, type CodexOutcomeInput, type ProcessOutcome } from '../../src/outcome.js';

const LEGAL = ['### BUILDER_COMPLETE', '### BLOCKED'];
const exited = (exitCode: number | null, over: Partial<ProcessOutcome> = {}): ProcessOutcome => ({ exitCode, signal: null, timedOut: false, interrupted: false, binaryNotFound: false, spawnError: null, forcedKill: false, ...over });
const events = (over: Partial<CodexEventSummary> = {}): CodexEventSummary => ({ ...parseCodexEvents('{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}'), ...over });
const decide = (over: Partial<CodexOutcomeInput>) =>
  decideCodexOutcome({ command: 'codex', process: exited(0), events: events(), lastMessage: 'done\n### BUILDER_COMPLETE', legalMarkers: LEGAL, timeoutSeconds: 30, stderrTail: null, ...over });

describe('decideCodexOutcome', () => {
  it('completes a clean run with no failure class', () => {
    expect(decide({})).toEqual({ exit_kind: 'completed', exit_code: 0, observed_exit_kind: null, observed_exit_code: null, failure_class: null, notes: [] });
  });

  it('maps a missing binary to runner_binary_not_found with an install hint', () => {
    const outcome = decide({ process: exited(null, { binaryNotFound: true }), command: 'codexx' });
    expect(outcome).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found' });
    expect(outcome.notes[0]).toBe('runner executable missing: codexx (install @openai/codex or set runners.codex.command)');
  });

  it('maps other spawn errors to runner_transport_failure', () => {
    expect(decide({ process: exited(null, { spawnError: 'EACCES' }) })).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['runner process error: EACCES'] });
  });

  it('reconciles a timeout whose last message already ends with one legal marker', () => {
    const outcome = decide({ process: exited(1, { timedOut: true }) });
    expect(outcome).toEqual({ exit_kind: 'completed', exit_code: 0, observed_exit_kind: 'timeout', observed_exit_code: 124, failure_class: null, notes: ['runner timeout reconciled after final terminal marker ### BUILDER_COMPLETE'] });
  });

  it('keeps a timeout without a final legal marker a timeout, noting a forced group kill', () => {
    const outcome = decide({ process: exited(null, { timedOut: true, signal: 'SIGKILL', forcedKill: true }), lastMessage: null });
    expect(outcome).toMatchObject({ exit_kind: 'timeout', exit_code: 124, observed_exit_kind: null, failure_class: 'runner_timeout' });
    expect(outcome.notes).toEqual(['runner process exceeded timeout of 30 seconds', 'process group killed after the SIGINT grace period']);
  });

  it('never reconciles a non-zero exit, even with a legal final marker', () => {
    const outcome = decide({ process: exited(3), stderrTail: 'boom' });
    expect(outcome).toMatchObject({ exit_kind: 'runner_error', exit_code: 3, observed_exit_kind: null, failure_class: 'runner_non_zero_exit' });
    expect(outcome.notes[0]).toBe('runner exited with non-zero status 3: boom');
    expect(decide({ process: exited(null, { signal: 'SIGKILL' }) }).notes[0]).toBe('runner exited with non-zero signal SIGKILL');
  });

  it('maps turn.failed to a provider failure, whatever the exit code', () => {
    const outcome = decide({ process: exited(1), events: events({ turnCompleted: false, turnFailedMessage: 'unexpected status 401' }) });
    expect(outcome).toMatchObject({ exit_kind: 'provider_error', exit_code: 1, failure_class: 'runner_provider_failure', notes: ['codex turn failed: unexpected status 401'] });
  });

  it('does not treat error events as final', () => {
    const outcome = decide({ events: events({ errorMessages: ['Reconnecting... 1/5'] }) });
    expect(outcome).toMatchObject({ exit_kind: 'completed', failure_class: null, notes: ['codex reported (not final): Reconnecting... 1/5'] });
  });

  it('maps a malformed event stream to runner_transport_failure', () => {
    const outcome = decide({ events: events({ malformedLines: [2, 9] }) });
    expect(outcome).toMatchObject({ exit_kind: 'runner_error', exit_code: 0, failure_class: 'runner_transport_failure', notes: ['malformed JSONL event stream from codex: line(s) 2, 9 are not JSON objects'] });
  });

  it('names lines over the line limit apart from lines that are not JSON', () => {
    expect(decide({ events: events({ oversizedLines: [4] }) }).notes).toEqual(['malformed JSONL event stream from codex: line(s) 4 are longer than 8 Mi characters (not read)']);
    expect(decide({ events: events({ malformedLines: [2], oversizedLines: [4, 7] }) })).toMatchObject({
      exit_kind: 'runner_error',
      failure_class: 'runner_transport_failure',
      notes: ['malformed JSONL event stream from codex: line(s) 2 are not JSON objects; line(s) 4, 7 are longer than 8 Mi characters (not read)'],
    });
  });

  it('reports an operator stop as interrupted', () => {
    expect(decide({ process: exited(1, { interrupted: true }) })).toMatchObject({ exit_kind: 'interrupted', exit_code: 1, failure_class: 'runner_interrupted' });
  });

  it('notes a completed run without turn.completed or last message', () => {
    expect(decide({ events: events({ turnCompleted: false }), lastMessage: null }).notes).toEqual(['codex event stream had no turn.completed event', 'codex wrote no last message']);
  });
});

describe('selectReconciledMarker', () => {
  it('accepts exactly one legal marker on the last non-empty line', () => {
    expect(selectReconciledMarker('work\n  ### BLOCKED  \n\n', LEGAL)).toBe('### BLOCKED');
  });
  it.each([
    ['blank', '  \n'],
    ['marker not last', '### BUILDER_COMPLETE\nmore text'],
    ['two legal markers', '### BLOCKED\n### BUILDER_COMPLETE'],
    ['illegal marker', 'x\n### CHECKER_PASS'],
  ])('rejects %s', (_name, text) => {
    expect(selectReconciledMarker(text, LEGAL)).toBeNull();
  });
});
