import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { bootstrapSnapshot, emptyRecoveryCounters, type RecoveryCounters, type RuntimeSnapshot, type StageResultEnvelope } from '../../../src/contracts/runtime-state.js';
import { decideCounterIncrement, incrementCounter } from '../../../src/runtime/decide/counters.js';
import { decideRoute, RoutingError } from '../../../src/runtime/decide/route.js';
import { installRun } from '../../../src/runtime/decide/snapshot-ops.js';
import type { RuntimePlan } from '../../../src/runtime/plan-view.js';
import { aConfig, compileInputs } from '../../support/compile-inputs.js';

const NOW = new Date('2026-01-01T00:00:00Z');
function shippedPlan(recovery: Record<string, number> = {}): RuntimePlan {
  const result = compilePlan(compileInputs({ config: aConfig({ recovery }) }));
  if (!result.ok) throw new Error(result.diagnostics.errors.join(', '));
  return result.plan;
}
const plan = shippedPlan();

function active(stage: string, plane: 'execution' | 'planning' = 'execution', extra: Partial<RuntimeSnapshot> = {}): RuntimeSnapshot {
  const kind = plane === 'execution' ? 'task' : 'spec';
  const s = installRun(bootstrapSnapshot(NOW), { plane, stage: stage as never, node_id: stage, stage_kind_id: stage, run_id: 'run-1', request_kind: 'active_work_item', work_item_kind: kind, work_item_id: 'item-1', closure_target_root_spec_id: null, closure_target_root_idea_id: null, active_since: NOW.toISOString(), running_status_marker: null }, NOW);
  return { ...s, ...extra };
}
function result(stage: string, outcome: string, plane: 'execution' | 'planning' = 'execution', metadata: Record<string, unknown> = {}): StageResultEnvelope {
  return {
    schema_version: '1.0', kind: 'stage_result', run_id: 'run-1', plane, stage: stage as never, node_id: stage, stage_kind_id: stage,
    work_item_kind: plane === 'execution' ? 'task' : 'spec', work_item_id: 'item-1', terminal_result: outcome, result_class: 'success',
    summary_status_marker: `### ${outcome}`, success: true, retryable: false, exit_code: 0, duration_seconds: 1, prompt_artifact: null, report_artifact: null,
    artifact_paths: [], detected_marker: `### ${outcome}`, stdout_path: null, stderr_path: null, runner_name: 'command', model_name: null,
    model_reasoning_effort: null, token_usage: null, notes: [], metadata: { request_kind: 'active_work_item', failure_class: null, ...metadata },
    started_at: NOW.toISOString(), completed_at: NOW.toISOString(),
  };
}
const attempts = (fc: string, troubleshoot: number, mechanic = 0): RecoveryCounters => {
  let c = emptyRecoveryCounters();
  for (let i = 0; i < troubleshoot; i++) c = incrementCounter(c, fc, { kind: 'task', id: 'item-1' }, 'troubleshoot_attempt_count', NOW);
  for (let i = 0; i < mechanic; i++) c = incrementCounter(c, fc, { kind: 'spec', id: 'item-1' }, 'mechanic_attempt_count', NOW);
  return c;
};
const route = (snapshot: RuntimeSnapshot, r: StageResultEnvelope, counters = emptyRecoveryCounters(), p = plan) => decideRoute({ plan: p, snapshot, result: r, counters });

describe('decideRoute over the shipped graphs (routing.md §3)', () => {
  it.each([
    ['builder', 'BUILDER_COMPLETE', 'checker', 'builder:BUILDER_COMPLETE'],
    ['checker', 'CHECKER_PASS', 'updater', 'checker:CHECKER_PASS'],
    ['checker', 'FIX_NEEDED', 'fixer', 'fix_needed'],
    ['fixer', 'FIXER_COMPLETE', 'doublechecker', 'fixer:FIXER_COMPLETE'],
    ['doublechecker', 'DOUBLECHECK_PASS', 'updater', 'doublechecker:DOUBLECHECK_PASS'],
    ['troubleshooter', 'TROUBLESHOOT_COMPLETE', 'builder', 'troubleshoot_complete'],
    ['consultant', 'CONSULT_COMPLETE', 'troubleshooter', 'consultant_local_recovery'],
  ])('%s %s -> %s (%s)', (stage, outcome, next, reason) => {
    expect(route(active(stage), result(stage, outcome))).toMatchObject({ action: 'run_stage', next_stage: next, reason });
  });

  it('terminal outcomes: idle, handoff with incident, blocked', () => {
    expect(route(active('updater'), result('updater', 'UPDATE_COMPLETE'))).toMatchObject({ action: 'idle', reason: 'updater_complete' });
    expect(route(active('consultant'), result('consultant', 'NEEDS_PLANNING'))).toMatchObject({ action: 'handoff', next_plane: 'planning', next_stage: 'auditor', create_incident: true });
    expect(route(active('consultant'), result('consultant', 'BLOCKED'))).toMatchObject({ action: 'blocked', reason: 'consultant_blocked', failure_class: null });
    expect(route(active('manager', 'planning'), result('manager', 'MANAGER_COMPLETE', 'planning'))).toMatchObject({ action: 'idle', reason: 'manager_complete' });
  });

  it('FIX_NEEDED at the fix-cycle limit goes to troubleshooter; the limit comes from the compiled policy', () => {
    expect(route(active('doublechecker', 'execution', { fix_cycle_count: 2 }), result('doublechecker', 'FIX_NEEDED'))).toMatchObject({ next_stage: 'troubleshooter', reason: 'fix_cycle_exhausted', failure_class: 'fix_cycle_exhausted' });
    expect(route(active('doublechecker', 'execution', { fix_cycle_count: 2 }), result('doublechecker', 'FIX_NEEDED'), emptyRecoveryCounters(), shippedPlan({ max_fix_cycles: 3 }))).toMatchObject({ next_stage: 'fixer' });
  });

  it('BLOCKED escalates to consultant once attempts for the resolved failure class reach the threshold', () => {
    const carried = active('troubleshooter', 'execution', { current_failure_class: 'builder_blocked' });
    expect(route(carried, result('troubleshooter', 'BLOCKED'), attempts('builder_blocked', 1))).toMatchObject({ next_stage: 'troubleshooter', failure_class: 'builder_blocked', reason: 'troubleshooter_blocked' });
    expect(route(carried, result('troubleshooter', 'BLOCKED'), attempts('builder_blocked', 2))).toMatchObject({ next_stage: 'consultant', failure_class: 'builder_blocked' });
    expect(route(active('builder'), result('builder', 'BLOCKED', 'execution', { failure_class: 'missing_terminal_result' }))).toMatchObject({ next_stage: 'troubleshooter', failure_class: 'missing_terminal_result' });
  });

  it('planning BLOCKED goes to mechanic, then ends blocked when mechanic attempts are exhausted', () => {
    expect(route(active('planner', 'planning'), result('planner', 'BLOCKED', 'planning'))).toMatchObject({ action: 'run_stage', next_stage: 'mechanic', reason: 'planner_blocked' });
    expect(route(active('planner', 'planning'), result('planner', 'BLOCKED', 'planning'), attempts('planner_blocked', 0, 2))).toMatchObject({ action: 'blocked', reason: 'planner_blocked:mechanic_attempts_exhausted' });
  });

  it('refuses a result that does not belong to the active run', () => {
    expect(() => route(active('checker'), result('builder', 'BUILDER_COMPLETE'))).toThrow(RoutingError);
  });
});

describe('decideCounterIncrement (runtime.md §9)', () => {
  it('increments exactly one counter per run_stage decision', () => {
    const d = (next: string, fc: string | null) => ({ action: 'run_stage' as const, next_plane: 'execution' as const, next_stage: next as never, next_node_id: next, next_stage_kind_id: next, reason: 'x', failure_class: fc, counter_key: null, create_incident: false });
    expect(decideCounterIncrement(d('troubleshooter', null), 'BLOCKED')).toEqual({ field: 'troubleshoot_attempt_count', failureClass: 'recoverable_failure' });
    expect(decideCounterIncrement(d('consultant', 'builder_blocked'), 'BLOCKED')).toEqual({ field: 'consultant_invocations', failureClass: 'builder_blocked' });
    expect(decideCounterIncrement(d('fixer', null), 'FIX_NEEDED')).toEqual({ field: 'fix_cycle_count', failureClass: 'fix_cycle' });
    expect(decideCounterIncrement(d('checker', null), 'BUILDER_COMPLETE')).toBeNull();
  });
});
