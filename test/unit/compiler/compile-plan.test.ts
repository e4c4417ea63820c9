import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { entryNodeFor, nodeFor, planNodes, resumePolicyFor, thresholdPolicyFor, transitionFor } from '../../../src/compiler/plan-queries.js';
import type { CompiledPlan } from '../../../src/contracts/compiled-plan.js';
import { StageRunRequestSchema } from '@millrace/plugin-api';
import { aConfig, compileInputs } from '../../support/compile-inputs.js';

function compiled(...args: Parameters<typeof compileInputs>): CompiledPlan {
  const result = compilePlan(compileInputs(...args));
  if (!result.ok) throw new Error(`expected a plan, got: ${result.diagnostics.errors.join(' | ')}`);
  return result.plan;
}

describe('compilePlan: shipped modes', () => {
  it('compiles default_codex with every node bound to codex_cli and the spec example node', () => {
    const plan = compiled();
    expect(plan.mode_id).toBe('default_codex');
    expect(plan.compiled_plan_id).toMatch(/^plan-default_codex-[0-9a-f]{12}$/);
    expect(plan.execution_loop_id).toBe('execution.standard');
    expect(plan.planning_loop_id).toBe('planning.standard');
    expect(plan.learning_loop_id).toBeNull();
    expect(planNodes(plan).map((n) => n.node_id)).toEqual(['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant', 'planner', 'manager', 'mechanic', 'auditor', 'arbiter']);
    expect(new Set(planNodes(plan).map((n) => n.runner_name))).toEqual(new Set(['codex_cli']));
    expect(nodeFor(plan, 'execution', 'builder')).toEqual({
      node_id: 'builder', stage_kind_id: 'builder', stage: 'builder', plane: 'execution',
      entrypoint_path: 'entrypoints/execution/builder.md', entrypoint_contract_id: 'builder.contract.v1',
      running_status_marker: 'BUILDER_RUNNING', legal_terminal_markers: ['### BUILDER_COMPLETE', '### BLOCKED'],
      allowed_result_classes_by_outcome: { BUILDER_COMPLETE: ['success'], BLOCKED: ['blocked', 'recoverable_failure'] },
      declared_output_artifacts: ['stage_result', 'report'],
      required_skill_paths: ['skills/stage/execution/builder-core/SKILL.md'], attached_skill_additions: [],
      runner_name: 'codex_cli', model_name: null, model_reasoning_effort: null, timeout_seconds: 3600,
    });
    expect(plan.resolved_assets).toHaveLength(1 + 2 + 12 + 1 + 12 + 12);
    expect(plan.source_refs).toEqual(['mode:default_codex', 'graph_loop:execution.standard', 'graph_loop:planning.standard', 'graph_completion_behavior:planning.standard']);
  });

  it('compiles default_pi to the same topology with only the runner names changed', () => {
    const codex = compiled();
    const pi = compiled({ requestedModeId: 'default_pi' });
    expect(pi.mode_id).toBe('default_pi');
    expect(new Set(planNodes(pi).map((n) => n.runner_name))).toEqual(new Set(['pi_rpc']));
    const strip = (p: CompiledPlan) => JSON.stringify(p.graphs_by_plane).replaceAll('pi_rpc', 'R').replaceAll('codex_cli', 'R').replaceAll('@millrace/runner-pi-rpc', 'P').replaceAll('@millrace/runner-codex-cli', 'P');
    expect(strip(pi)).toBe(strip(codex));
    expect(pi.compiled_plan_id).not.toBe(codex.compiled_plan_id);
  });

  it('canonicalises the standard_plain alias before anything is computed', () => {
    const viaAlias = compiled({ requestedModeId: ' standard_plain ' });
    expect(viaAlias.mode_id).toBe('default_codex');
    expect(viaAlias).toEqual(compiled());
    expect(compiled({ config: aConfig({ runtime: { default_mode: 'standard_plain' } }) }).compiled_plan_id).toBe(compiled().compiled_plan_id);
  });

  it('is deterministic: same inputs give byte-identical plans; compile time is not part of the id', () => {
    const a = JSON.stringify(compiled());
    expect(JSON.stringify(compiled())).toBe(a);
    const later = compiled({ now: '2027-01-01T00:00:00.000Z' });
    expect(later.compiled_plan_id).toBe(compiled().compiled_plan_id);
    expect(later.compile_input_fingerprint).toEqual(compiled().compile_input_fingerprint);
  });

  it('freezes thresholds from recovery config and changes the plan id with them', () => {
    const base = compiled();
    const plan = compiled({ config: aConfig({ recovery: { max_fix_cycles: 3, max_troubleshoot_attempts_before_consult: 4, max_mechanic_attempts: 5 } }) });
    expect(thresholdPolicyFor(plan, 'execution', 'checker', 'FIX_NEEDED')).toMatchObject({ threshold: 3, threshold_source: 'recovery.max_fix_cycles', exhausted_target_node_id: 'troubleshooter' });
    expect(thresholdPolicyFor(plan, 'execution', 'updater', 'BLOCKED')).toMatchObject({ threshold: 4, exhausted_target_node_id: 'consultant' });
    expect(thresholdPolicyFor(plan, 'planning', 'planner', 'BLOCKED')).toMatchObject({ threshold: 5, exhausted_terminal_state_id: 'blocked' });
    expect(thresholdPolicyFor(base, 'execution', 'checker', 'FIX_NEEDED')?.threshold).toBe(2);
    expect(plan.compiled_plan_id).not.toBe(base.compiled_plan_id);
    expect(plan.compile_input_fingerprint.config_fingerprint).not.toBe(base.compile_input_fingerprint.config_fingerprint);
  });

  it('applies config stage overrides below mode bindings (runner) and above graph defaults (model, timeout, effort)', () => {
    const plan = compiled({
      config: aConfig({
        stages: { checker: { runner: 'pi_rpc', model: 'gpt-5', timeout_seconds: 1800, model_reasoning_effort: 'high' } },
        runners: { codex: { model_reasoning_effort: 'low' } },
      }),
    });
    expect(nodeFor(plan, 'execution', 'checker')).toMatchObject({ runner_name: 'codex_cli', model_name: 'gpt-5', timeout_seconds: 1800, model_reasoning_effort: 'high' });
    expect(nodeFor(plan, 'execution', 'builder')).toMatchObject({ model_name: null, timeout_seconds: 3600, model_reasoning_effort: 'low' });
  });

  it('exposes routing facts: entries, first-match transitions, resume policies, completion entry', () => {
    const plan = compiled();
    expect(entryNodeFor(plan, 'task')?.node_id).toBe('builder');
    expect(entryNodeFor(plan, 'spec')?.node_id).toBe('planner');
    expect(entryNodeFor(plan, 'incident')?.node_id).toBe('auditor');
    expect(transitionFor(plan, 'execution', 'builder', 'BUILDER_COMPLETE')).toMatchObject({ kind: 'node', target_node_id: 'checker', edge_id: 'builder-complete-to-checker' });
    expect(transitionFor(plan, 'execution', 'updater', 'UPDATE_COMPLETE')).toMatchObject({ kind: 'terminal', terminal_state_id: 'update_complete', terminal_state: { terminal_class: 'success' } });
    expect(transitionFor(plan, 'planning', 'arbiter', 'REMEDIATION_NEEDED')).toMatchObject({ kind: 'terminal', terminal_state_id: 'remediation_needed' });
    expect(transitionFor(plan, 'execution', 'builder', 'CHECKER_PASS')).toBeUndefined();
    expect(resumePolicyFor(plan, 'execution', 'consultant', 'CONSULT_COMPLETE')).toMatchObject({ default_target_node_id: 'troubleshooter', metadata_stage_keys: ['target_stage', 'resume_stage'] });
    expect(plan.graphs_by_plane.planning?.compiled_completion_entry).toMatchObject({ entry_key: 'closure_target', node_id: 'arbiter', stage_kind_id: 'arbiter', trigger: 'backlog_drained', create_incident_on_gap: true });
    expect(plan.graphs_by_plane.execution?.compiled_completion_entry).toBeNull();
  });

  it('carries every field a StageRunRequest needs', () => {
    const plan = compiled();
    for (const node of planNodes(plan)) {
      const request = StageRunRequestSchema.safeParse({
        request_id: 'request-1', run_id: 'run-1', plane: node.plane, stage: node.stage, mode_id: plan.mode_id, compiled_plan_id: plan.compiled_plan_id,
        node_id: node.node_id, stage_kind_id: node.stage_kind_id, running_status_marker: node.running_status_marker,
        legal_terminal_markers: node.legal_terminal_markers, allowed_result_classes_by_outcome: node.allowed_result_classes_by_outcome,
        entrypoint_path: `/ws/millrace-agents/${node.entrypoint_path}`, entrypoint_contract_id: node.entrypoint_contract_id,
        required_skill_paths: node.required_skill_paths, attached_skill_paths: node.attached_skill_additions,
        active_work_item_kind: 'task', active_work_item_id: 'T-1', active_work_item_path: '/ws/t.md',
        run_dir: '/ws/runs/run-1', summary_status_path: '/s', runtime_snapshot_path: '/s', recovery_counters_path: '/c',
        runner_name: node.runner_name, model_name: node.model_name, model_reasoning_effort: node.model_reasoning_effort, timeout_seconds: node.timeout_seconds,
      });
      expect(request.success ? [] : request.error.issues).toEqual([]);
    }
  });
});
