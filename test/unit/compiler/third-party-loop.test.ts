import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { nodeFor, transitionFor } from '../../../src/compiler/plan-queries.js';
import type { PluginOrigin } from '../../../src/registry/registry.js';
import { aRegistry, compileInputs, shippedAssetHashes } from '../../support/compile-inputs.js';
// The fixture is a real plugin's hook module (plain JS), loaded the way oclif would call it.
import contribute from '../../fixtures/plugin-review-loop/hooks/contribute.js';

const THIRD_PARTY: PluginOrigin = { name: 'millrace-plugin-review-loop', version: '1.0.0', type: 'user' };

async function reviewRegistry() {
  return aRegistry([{ plugin: THIRD_PARTY, result: await contribute() }]);
}

const withReviewerFiles = () =>
  shippedAssetHashes().set('entrypoints/execution/reviewer.md', 'd'.repeat(64)).set('skills/stage/execution/reviewer-core/SKILL.md', 'e'.repeat(64));

describe('a third-party loop, stage kind and mode', () => {
  it('registers without problems next to the built-ins', async () => {
    const registry = await reviewRegistry();
    expect(registry.problems).toEqual([]);
    expect(registry.stageKinds.get('reviewer')?.plugin.name).toBe('millrace-plugin-review-loop');
    expect(registry.loops.get('execution.review')?.plugin.type).toBe('user');
  });

  it('compiles exactly like a built-in mode: frozen reviewer node, routing, thresholds, provenance', async () => {
    const result = compilePlan(compileInputs({ registry: await reviewRegistry(), requestedModeId: 'review_codex', assetHashes: withReviewerFiles() }));
    if (!result.ok) throw new Error(result.diagnostics.errors.join('\n'));
    const { plan } = result;
    expect(plan.execution_loop_id).toBe('execution.review');
    expect(plan.graphs_by_plane.execution?.contributed_by).toEqual({ name: 'millrace-plugin-review-loop', version: '1.0.0', type: 'user' });
    expect(nodeFor(plan, 'execution', 'reviewer')).toEqual({
      node_id: 'reviewer', stage_kind_id: 'reviewer', stage: 'reviewer', plane: 'execution',
      entrypoint_path: 'entrypoints/execution/reviewer.md', entrypoint_contract_id: 'reviewer.contract.v1',
      running_status_marker: 'REVIEWER_RUNNING', legal_terminal_markers: ['### REVIEW_PASS', '### REVIEW_CHANGES', '### BLOCKED'],
      allowed_result_classes_by_outcome: { REVIEW_PASS: ['success'], REVIEW_CHANGES: ['followup_needed'], BLOCKED: ['blocked', 'recoverable_failure'] },
      declared_output_artifacts: ['stage_result', 'report'], required_skill_paths: ['skills/stage/execution/reviewer-core/SKILL.md'], attached_skill_additions: [],
      runner_name: 'codex_cli', model_name: 'gpt-5-review', model_reasoning_effort: null, timeout_seconds: 3600,
    });
    expect(transitionFor(plan, 'execution', 'checker', 'CHECKER_PASS')).toMatchObject({ kind: 'node', target_node_id: 'reviewer' });
    expect(transitionFor(plan, 'execution', 'reviewer', 'REVIEW_CHANGES')).toMatchObject({ kind: 'node', target_node_id: 'fixer' });
    expect(plan.graphs_by_plane.execution?.compiled_threshold_policies.map((p) => p.threshold)).toEqual([2, 2]);
    expect(plan.resolved_assets.filter((r) => r.location === 'plugin:millrace-plugin-review-loop@1.0.0').map((r) => r.logical_id)).toEqual(['mode:review_codex', 'graph_loop:execution.review', 'stage_kind:reviewer']);
    const again = compilePlan(compileInputs({ registry: await reviewRegistry(), requestedModeId: 'review_codex', assetHashes: withReviewerFiles() }));
    expect(again.ok && JSON.stringify(again.plan)).toBe(JSON.stringify(plan));
  });

  it('reports the reviewer entrypoint the workspace lacks, like a built-in one', async () => {
    const result = compilePlan(compileInputs({ registry: await reviewRegistry(), requestedModeId: 'review_codex' }));
    expect(result.diagnostics.errors).toEqual([
      'Missing entrypoint file millrace-agents/entrypoints/execution/reviewer.md for node execution.reviewer (stage kind reviewer)',
      'Missing required skill file millrace-agents/skills/stage/execution/reviewer-core/SKILL.md for node execution.reviewer (stage kind reviewer)',
    ]);
  });
});
