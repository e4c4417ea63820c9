import { aStageRunRequest } from '@millrace/plugin-api/testing';
import type { RunnerRawResult } from '@millrace/plugin-api';
import { normalizeRunnerOutput } from '../../../src/runtime/decide/normalize.js';

const request = aStageRunRequest('/ws/millrace-agents', {
  stage: 'checker', node_id: 'checker', stage_kind_id: 'checker', running_status_marker: 'CHECKER_RUNNING',
  legal_terminal_markers: ['### CHECKER_PASS', '### FIX_NEEDED', '### BLOCKED'],
  allowed_result_classes_by_outcome: { CHECKER_PASS: ['success'], FIX_NEEDED: ['followup_needed'], BLOCKED: ['blocked', 'recoverable_failure'] },
});
const raw = (over: Partial<RunnerRawResult> = {}): RunnerRawResult => ({
  request_id: request.request_id, run_id: request.run_id, stage: 'checker', runner_name: 'command', model_name: null, model_reasoning_effort: null,
  exit_kind: 'completed', exit_code: 0, observed_exit_kind: null, observed_exit_code: null, stdout_path: '/out.txt', stderr_path: null,
  terminal_result_path: null, event_log_path: null, token_usage: null, started_at: '2026-01-01T00:00:00Z', ended_at: '2026-01-01T00:00:02Z', failure_class: null, notes: [], ...over,
});
const facts = (stdoutText: string | undefined) => ({ stdoutText, structuredText: undefined, runDirFiles: new Set<string>() });

describe('normalizeRunnerOutput (runners.md §5)', () => {
  it("keeps the harness's own cost in the metadata, and no cost key when it gave none", () => {
    expect(normalizeRunnerOutput(raw({ cost_usd: 0.0125 }), request, facts('### CHECKER_PASS')).metadata.cost_usd).toBe(0.0125);
    expect('cost_usd' in normalizeRunnerOutput(raw({ cost_usd: null }), request, facts('### CHECKER_PASS')).metadata).toBe(false);
    expect('cost_usd' in normalizeRunnerOutput(raw(), request, facts('### CHECKER_PASS')).metadata).toBe(false);
  });

  it('accepts exactly one legal marker', () => {
    const r = normalizeRunnerOutput(raw(), request, facts('analysis\n### FIX_NEEDED\n'));
    expect(r).toMatchObject({ terminal_result: 'FIX_NEEDED', result_class: 'followup_needed', success: false, summary_status_marker: '### FIX_NEEDED', duration_seconds: 2 });
    expect(r.metadata.failure_class).toBeNull();
  });
  it.each([
    ['### CHECKER_PASS\n### FIX_NEEDED\n', 'conflicting_terminal_results'],
    ['### BUILDER_COMPLETE\n', 'illegal_terminal_result'],
    ['no marker here\n### Summary\n', 'missing_terminal_result'],
    [undefined, 'missing_terminal_result'],
  ])('maps %j to BLOCKED/%s', (stdout, failureClass) => {
    const r = normalizeRunnerOutput(raw(), request, facts(stdout));
    expect(r).toMatchObject({ terminal_result: 'BLOCKED', result_class: 'recoverable_failure', retryable: true, exit_code: 1 });
    expect(r.metadata.failure_class).toBe(failureClass);
  });
  it('turns runner exits into failure classes even with a valid marker', () => {
    expect(normalizeRunnerOutput(raw({ exit_kind: 'timeout', exit_code: 124 }), request, facts('### CHECKER_PASS')).metadata.failure_class).toBe('runner_timeout');
    expect(normalizeRunnerOutput(raw({ exit_code: 2 }), request, facts('### CHECKER_PASS')).metadata.failure_class).toBe('runner_transport_failure');
    expect(normalizeRunnerOutput(raw({ run_id: 'other' }), request, facts('### CHECKER_PASS')).metadata.failure_class).toBe('runner_transport_failure');
  });
});
