import { StageRunRequestSchema } from '@millrace/plugin-api';
import { ActiveRunStateSchema, StageResultEnvelopeSchema } from '../../../src/contracts/runtime-state.js';
import { stageForKind } from '../../../src/contracts/stage-metadata.js';

const NOW = '2026-01-01T00:00:00.000Z';
const run = (stage: string, stageKindId: string, plane = 'execution') => ({
  plane, stage, node_id: stageKindId, stage_kind_id: stageKindId, run_id: 'run-1', request_kind: 'active_work_item', work_item_kind: 'task', work_item_id: 'task-1',
  closure_target_root_spec_id: null, closure_target_root_idea_id: null, active_since: NOW, running_status_marker: null,
});
const result = (stage: string, stageKindId: string) => ({
  schema_version: '1.0', kind: 'stage_result', run_id: 'run-1', plane: 'execution', stage, node_id: stageKindId, stage_kind_id: stageKindId,
  work_item_kind: 'task', work_item_id: 'task-1', terminal_result: 'REVIEW_PASS', result_class: 'success', summary_status_marker: '### REVIEW_PASS',
  success: true, retryable: false, exit_code: 0, duration_seconds: 1, started_at: NOW, completed_at: NOW,
});
const problems = (r: { success: boolean; error?: { issues: Array<{ message: string }> } }) => r.error?.issues.map((i) => i.message) ?? [];

describe('stages of plugin-contributed stage kinds', () => {
  it('run under their stage kind id; shipped kinds keep their names; a non-canonical id is refused', () => {
    expect(stageForKind('builder')).toBe('builder');
    expect(stageForKind('reviewer')).toBe('reviewer');
    expect(() => stageForKind('not a kind!')).toThrow('canonical id');
  });

  it('active runs and stage results accept a contributed stage named after its kind, in any plane the plan gives it', () => {
    expect(ActiveRunStateSchema.safeParse(run('reviewer', 'reviewer')).success).toBe(true);
    expect(StageResultEnvelopeSchema.safeParse(result('reviewer', 'reviewer')).success).toBe(true);
    expect(problems(ActiveRunStateSchema.safeParse(run('reviewer', 'other')))).toEqual(['contributed stage reviewer must equal its stage_kind_id']);
    expect(problems(StageResultEnvelopeSchema.safeParse(result('reviewer', 'other')))).toEqual(['contributed stage reviewer must equal its stage_kind_id']);
  });

  it('shipped stages stay bound to their plane; stage fields stay canonical ids', () => {
    expect(problems(ActiveRunStateSchema.safeParse(run('planner', 'planner')))).toEqual(['stage planner does not belong to plane execution']);
    expect(ActiveRunStateSchema.safeParse(run('Bad Stage', 'Bad Stage')).success).toBe(false);
    expect(StageRunRequestSchema.shape.stage.safeParse('reviewer').success).toBe(true);
    expect(StageRunRequestSchema.shape.stage.safeParse('../reviewer').success).toBe(false);
  });
});
