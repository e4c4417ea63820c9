import { createBasicMonitorFormatter } from '../../../src/cli/monitor-lines.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 14, s));
const RUN = 'run-b27cb14119bf410ab390a0ad124d309d';

describe('--monitor basic lines (runtime.md §12)', () => {
  it('formats stage, route and idle events with short run handles', () => {
    const f = createBasicMonitorFormatter();
    expect(f({ event_type: 'stage_started', occurred_at: at(3), payload: { plane: 'planning', stage: 'planner', node_id: 'planner', stage_kind_id: 'planner', run_id: RUN, work_item_kind: 'spec', work_item_id: 'idea-x' } })).toEqual([
      '[12:14:03] stage start planning/planner run=b27cb141 work=spec:idea-x',
    ]);
    expect(f({ event_type: 'stage_completed', occurred_at: at(5), payload: { plane: 'planning', stage: 'planner', node_id: 'planner', stage_kind_id: 'planner', run_id: RUN, terminal_result: 'PLANNER_COMPLETE', summary_status_marker: '### PLANNER_COMPLETE', started_at: at(3).toISOString(), completed_at: at(5).toISOString(), duration_seconds: 2 } })).toEqual([
      '[12:14:05] stage done planning/planner run=b27cb141 result=PLANNER_COMPLETE dur=2.0s',
      '[12:14:05] run planning run=b27cb141 elapsed=2.0s',
    ]);
    expect(f({ event_type: 'router_decision', occurred_at: at(5), payload: { action: 'run_stage', plane: 'planning', next_stage: 'manager', reason: 'planner:PLANNER_COMPLETE' } })).toEqual(['[12:14:05] route planning -> manager reason=planner:PLANNER_COMPLETE']);
    expect(f({ event_type: 'router_decision', occurred_at: at(6), payload: { action: 'handoff', plane: 'execution', next_stage: 'auditor', reason: 'consultant_needs_planning' } })).toEqual(['[12:14:06] route execution -> planning/auditor action=handoff reason=consultant_needs_planning']);
    expect(f({ event_type: 'runtime_idle', occurred_at: at(7), payload: { reason: 'no_work' } })).toEqual(['[12:14:07] idle reason=no_work']);
    expect(f({ event_type: 'runtime_idle', occurred_at: at(9), payload: { reason: 'no_work' } })).toEqual([]);
  });

  it('names the lane of every lane stage line (docs/parallel.md)', () => {
    const f = createBasicMonitorFormatter();
    const lane2 = { plane: 'execution', lane: 2, stage: 'builder', node_id: 'builder', stage_kind_id: 'builder', run_id: 'run-2', work_item_kind: 'task', work_item_id: 't2' };
    expect(f({ event_type: 'stage_started', occurred_at: at(1), payload: lane2 })).toEqual(['[12:14:01] stage start lane 2 execution/builder run=run-2 work=task:t2']);
    expect(f({ event_type: 'runner_activity', occurred_at: at(2), payload: { ...lane2, kind: 'output', text: 'editing' } })).toEqual(['[12:14:02] activity lane 2 execution/builder run=run-2 +1s output: editing']);
    expect(f({ event_type: 'router_decision', occurred_at: at(3), payload: { action: 'run_stage', plane: 'execution', lane: 2, next_stage: 'checker', reason: 'builder:BUILDER_COMPLETE' } })).toEqual(['[12:14:03] route lane 2 execution -> checker reason=builder:BUILDER_COMPLETE']);
  });

  it('names the budget of a governance pause, its lifting and a blocked item', () => {
    const f = createBasicMonitorFormatter();
    const governance = { summary: ['burst (rolling 1m): tokens 2,200/2,000'], next_auto_resume_at: '2026-01-01T12:15:00.000Z' };
    expect(f({ event_type: 'runtime_paused', occurred_at: at(1), payload: { reason: 'paused', pause_sources: ['usage_governance'], usage_governance: governance } })).toEqual([
      '[12:14:01] paused reason=paused sources=usage_governance budget="burst (rolling 1m): tokens 2,200/2,000" auto_resume_at=2026-01-01T12:15:00.000Z',
    ]);
    expect(f({ event_type: 'usage_governance_resumed', occurred_at: at(2), payload: { reason: 'limits_reset' } })).toEqual(['[12:14:02] usage_governance resumed reason=limits_reset']);
    expect(f({ event_type: 'usage_budget_item_blocked', occurred_at: at(3), payload: { work_item_kind: 'task', work_item_id: 'task-001', reason: 'usage_budget_exceeded:item-cap' } })).toEqual([
      '[12:14:03] usage_budget blocked task=task-001 reason=usage_budget_exceeded:item-cap',
    ]);
  });
});
