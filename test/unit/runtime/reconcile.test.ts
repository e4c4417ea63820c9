import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { bootstrapSnapshot, emptyRecoveryCounters, type RuntimeSnapshot } from '../../../src/contracts/runtime-state.js';
import { incrementCounter } from '../../../src/runtime/decide/counters.js';
import { INVALID_STATUS_MARKER, detectReconciliationSignals, parseStatusFile } from '../../../src/runtime/decide/reconcile.js';
import { installRun } from '../../../src/runtime/decide/snapshot-ops.js';
import { compileInputs } from '../../support/compile-inputs.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const compiled = compilePlan(compileInputs());
if (!compiled.ok) throw new Error('shipped plan must compile');
const plan = compiled.plan;

const withRun = (stage: string, plane: 'execution' | 'planning', processRunning: boolean): RuntimeSnapshot => ({
  ...installRun(bootstrapSnapshot(NOW), { plane, stage: stage as never, node_id: stage, stage_kind_id: stage, run_id: 'run-1', request_kind: 'active_work_item', work_item_kind: plane === 'execution' ? 'task' : 'spec', work_item_id: 'w-1', closure_target_root_spec_id: null, closure_target_root_idea_id: null, active_since: NOW.toISOString(), running_status_marker: null }, NOW),
  process_running: processRunning,
});
const markers = (execution = '### IDLE', planning = '### IDLE') => ({ execution, planning });

describe('detectReconciliationSignals (runtime.md §5.6)', () => {
  it('reports nothing for a live, consistent run', () => {
    expect(detectReconciliationSignals(withRun('checker', 'execution', true), emptyRecoveryCounters(), markers('### BUILDER_COMPLETE'), plan)).toEqual([]);
  });
  it('stale ownership goes to troubleshooter, to consultant after two stale attempts, and to mechanic on planning', () => {
    expect(detectReconciliationSignals(withRun('checker', 'execution', false), emptyRecoveryCounters(), markers(), plan)[0]).toMatchObject({ code: 'stale_active_ownership', recommended_stage: 'troubleshooter' });
    let counters = emptyRecoveryCounters();
    for (let i = 0; i < 2; i++) counters = incrementCounter(counters, 'stale_active_ownership', { kind: 'task', id: 'w-1' }, 'troubleshoot_attempt_count', NOW);
    expect(detectReconciliationSignals(withRun('checker', 'execution', false), counters, markers(), plan)[0]).toMatchObject({ recommended_stage: 'consultant' });
    expect(detectReconciliationSignals(withRun('planner', 'planning', false), emptyRecoveryCounters(), markers(), plan)[0]).toMatchObject({ recommended_stage: 'mechanic' });
  });
  it('flags a status marker impossible for the active node', () => {
    const [signal] = detectReconciliationSignals(withRun('checker', 'execution', true), emptyRecoveryCounters(), markers('### MANAGER_COMPLETE'), plan);
    expect(signal).toMatchObject({ code: 'impossible_execution_status_marker', failure_class: 'impossible_status_marker', recommended_stage: 'troubleshooter' });
  });
  it('reads a status file as one marker line or the invalid sentinel', () => {
    expect(parseStatusFile('### IDLE\n')).toBe('### IDLE');
    expect(parseStatusFile('### A\n### B\n')).toBe(INVALID_STATUS_MARKER);
    expect(parseStatusFile(undefined)).toBe(INVALID_STATUS_MARKER);
  });
});
