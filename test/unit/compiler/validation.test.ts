import type { LoopContribution, ModeContribution } from '@millrace/plugin-api';
import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { STAGE_METADATA, toStageKind } from '../../../src/contracts/stage-metadata.js';
import { buildRegistry, type PluginOrigin } from '../../../src/registry/registry.js';
import { aConfig, aMode, aRegistry, codexContribution, compileInputs, hostContribution, shippedAssetHashes, shippedLoop } from '../../support/compile-inputs.js';

const LINKED: PluginOrigin = { name: 'millrace-variant', version: '1.0.0', type: 'link' };

type Loop = LoopContribution & { nodes: Array<Record<string, unknown>>; edges: Array<Record<string, unknown>> };

/** The shipped loop of `plane` renamed `<plane>.variant`, changed by `mutate`, plus a mode `variant` that selects it. */
function variant(plane: 'execution' | 'planning', mutate: (loop: Loop) => void, modeOverrides: Partial<ModeContribution> = {}) {
  const loop = structuredClone(shippedLoop(plane)) as Loop;
  loop.loop_id = `${plane}.variant`;
  mutate(loop);
  const mode = aMode('variant', 'codex_cli', { loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard', [plane]: `${plane}.variant` }, ...modeOverrides });
  return aRegistry([{ plugin: LINKED, result: { apiVersion: 1, loops: [loop], modes: [mode] } }]);
}

function errorsOf(...args: Parameters<typeof compileInputs>): string[] {
  const result = compilePlan(compileInputs(...args));
  expect(result.ok).toBe(false);
  return result.diagnostics.errors;
}

describe('compilePlan validation errors', () => {
  it('unknown mode: names the resolved id and the installed modes', () => {
    const result = compilePlan(compileInputs({ requestedModeId: 'nope' }));
    expect(result).toMatchObject({ ok: false, diagnostics: { ok: false, mode_id: 'nope', kind: 'compile_diagnostics', warnings: [] } });
    expect(result.diagnostics.errors).toEqual(['Unknown mode id: nope (installed modes: default_codex, default_pi)']);
  });

  it('unknown mode from the config default when no --mode is given', () => {
    expect(errorsOf({ config: aConfig({ runtime: { default_mode: 'from_config' } }) })[0]).toMatch(/^Unknown mode id: from_config /);
  });

  it('unknown loop: names the loop, the mode and plane, and the installed loops', () => {
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('variant', 'codex_cli', { loop_ids_by_plane: { execution: 'execution.missing', planning: 'planning.standard' } })] } }]);
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual(['Unknown graph loop id: execution.missing (selected by mode variant for plane execution; installed execution loops: execution.standard)']);
  });

  it('a loop selected for the wrong plane', () => {
    const registry = variant('planning', (l) => void (l.loop_id = 'execution.sneaky'), { loop_ids_by_plane: { execution: 'execution.sneaky', planning: 'planning.standard' } });
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual(['Graph loop execution.sneaky belongs to plane planning, but mode variant selects it for plane execution']);
  });

  it('runner no installed plugin provides: names it and suggests `millrace plugins install`', () => {
    const registry = aRegistry([], [hostContribution(), codexContribution(), { plugin: LINKED, result: { apiVersion: 1, modes: [aMode('default_pi', 'pi_rpc')] } }]);
    const [error, ...rest] = errorsOf({ registry, requestedModeId: 'default_pi' });
    expect(rest).toEqual([]);
    expect(error).toContain('Runner pi_rpc is not provided by any installed plugin');
    expect(error).toContain('bound by mode default_pi to stages builder, checker, fixer');
    expect(error).toContain('installed runners: codex_cli');
    expect(error).toContain('`millrace plugins install <plugin>`');
  });

  it('a plugin whose hook failed is named when what it would have contributed is missing', () => {
    const registry = buildRegistry([hostContribution(), codexContribution()], [{ plugin: { name: '@millrace/runner-pi-rpc', version: '0.1.0', type: 'core' }, error: new Error('boom') }]);
    expect(errorsOf({ registry, requestedModeId: 'default_pi' })).toEqual(['Unknown mode id: default_pi (installed modes: default_codex); plugin @millrace/runner-pi-rpc@0.1.0 (core) failed to contribute: boom']);
  });

  it('runner named only in config stages.<stage>.runner when the mode binds none', () => {
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('loose', 'codex_cli', { stage_runner_bindings: {} })] } }]);
    const errors = errorsOf({ registry, requestedModeId: 'loose', config: aConfig({ stages: { checker: { runner: 'ghost' } } }) });
    expect(errors).toEqual([expect.stringContaining('Runner ghost is not provided by any installed plugin (bound by config stages.<stage>.runner to stage checker;')]);
  });

  it('edge on an outcome the stage kind cannot emit', () => {
    const registry = variant('execution', (l) => void (l.edges[0]!.on_outcomes = ['BUILDER_COMPLETE', 'CHECKER_PASS']));
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual(['Graph loop execution.variant edge builder-complete-to-checker declares illegal outcome CHECKER_PASS for stage kind builder (legal: BUILDER_COMPLETE, BLOCKED)']);
  });

  it('resume and threshold policies on illegal outcomes', () => {
    const registry = variant('execution', (l) => {
      l.dynamic_policies!.resume_policies![0]!.on_outcome = 'FIX_NEEDED';
      l.dynamic_policies!.threshold_policies![0]!.source_node_ids = ['checker', 'builder'];
    });
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual([
      'Graph loop execution.variant resume policy execution.troubleshooter.resume declares illegal outcome FIX_NEEDED for stage kind troubleshooter (legal: TROUBLESHOOT_COMPLETE, BLOCKED)',
      'Graph loop execution.variant threshold policy execution.fix-needed.exhaustion declares illegal outcome FIX_NEEDED for stage kind builder (legal: BUILDER_COMPLETE, BLOCKED)',
    ]);
  });

  it('unreachable nodes', () => {
    const registry = variant('execution', (l) => {
      l.edges = l.edges.filter((e) => e.to_node_id !== 'fixer');
    });
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual(['Graph loop execution.variant has unreachable nodes fixer, doublechecker: no entry, edge, policy or completion behavior leads there']);
  });

  it('missing entrypoint and required skill files; a missing attached skill is only a warning', () => {
    const hashes = shippedAssetHashes();
    hashes.delete('entrypoints/planning/arbiter.md');
    hashes.delete('skills/stage/execution/fixer-core/SKILL.md');
    expect(errorsOf({ assetHashes: hashes })).toEqual([
      'Missing required skill file millrace-agents/skills/stage/execution/fixer-core/SKILL.md for node execution.fixer (stage kind fixer)',
      'Missing entrypoint file millrace-agents/entrypoints/planning/arbiter.md for node planning.arbiter (stage kind arbiter)',
    ]);
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('extra', 'codex_cli', { stage_skill_additions: { builder: ['skills/extra/SKILL.md'] } })] } }]);
    const result = compilePlan(compileInputs({ registry, requestedModeId: 'extra' }));
    expect(result.ok).toBe(true);
    expect(result.diagnostics.warnings).toEqual(['Attached skill file millrace-agents/skills/extra/SKILL.md for node execution.builder (stage kind builder) does not exist']);
    expect(result.ok && result.plan.resolved_assets.find((r) => r.logical_id === 'skill:skills/extra/SKILL.md')?.content_sha256).toBe('missing');
  });

  it('duplicate node ids: the invalid loop is reported with the registry problem that dropped it', () => {
    const registry = variant('execution', (l) => l.nodes.push({ node_id: 'builder', stage_kind_id: 'builder' }));
    const [error] = errorsOf({ registry, requestedModeId: 'variant' });
    expect(error).toMatch(/^Unknown graph loop id: execution\.variant .*millrace-variant@1\.0\.0 \(link\): loop #0 'execution\.variant' is invalid: graph loops may not contain duplicate node ids$/);
  });

  it('threshold policy on an unknown counter', () => {
    const registry = variant('execution', (l) => void (l.dynamic_policies!.threshold_policies![0]!.counter_name = 'retry_count' as 'fix_cycle_count'));
    const [error] = errorsOf({ registry, requestedModeId: 'variant' });
    expect(error).toContain('Unknown graph loop id: execution.variant');
    expect(error).toContain("loop #0 'execution.variant' is invalid: dynamic_policies.threshold_policies.0.counter_name:");
    expect(error).toContain('fix_cycle_count');
  });

  it('mode map referencing a stage outside the selected loops', () => {
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('odd', 'codex_cli', { stage_model_bindings: { reviewer: 'gpt-5', analyst: 'x' } })] } }]);
    expect(errorsOf({ registry, requestedModeId: 'odd' })).toEqual([
      'Mode map `stage_model_bindings` of mode odd references stage outside selected loops: analyst',
      'Mode map `stage_model_bindings` of mode odd references stage outside selected loops: reviewer',
    ]);
  });

  it('invalid entrypoint overrides are rejected; valid ones are normalized and must exist', () => {
    const mode = (path: string) => aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('ov', 'codex_cli', { stage_entrypoint_overrides: { builder: path } })] } }]);
    for (const bad of ['roles/not-an-entrypoint.md', '../entrypoints/execution/builder.md', '/abs/entrypoints/x.md', 'entrypoints/x.txt', ' ']) {
      expect(errorsOf({ registry: mode(bad), requestedModeId: 'ov' })).toEqual([expect.stringMatching(/^Invalid entrypoint override for stage `builder` in mode ov: /)]);
    }
    expect(errorsOf({ registry: mode('./entrypoints/execution/builder_v2.md'), requestedModeId: 'ov' })).toEqual(['Missing entrypoint file millrace-agents/entrypoints/execution/builder_v2.md for node execution.builder (stage kind builder)']);
    const hashes = shippedAssetHashes().set('entrypoints/execution/builder_v2.md', 'c'.repeat(64));
    const ok = compilePlan(compileInputs({ registry: mode('./entrypoints/execution/builder_v2.md'), requestedModeId: 'ov', assetHashes: hashes }));
    expect(ok.ok && ok.plan.graphs_by_plane.execution?.nodes[0]?.entrypoint_path).toBe('entrypoints/execution/builder_v2.md');
  });

  it('unknown stage kind, stage kind of another plane, unsupported node overrides', () => {
    const registry = variant('execution', (l) => {
      l.nodes[1] = { node_id: 'checker', stage_kind_id: 'inspector' };
      l.nodes[2] = { node_id: 'fixer', stage_kind_id: 'mechanic' };
    });
    const errors = errorsOf({ registry, requestedModeId: 'variant' });
    expect(errors[0]).toMatch(/^Graph loop execution\.variant node checker references unknown stage_kind_id inspector \(known: arbiter, auditor, builder/);
    expect(errors[1]).toBe('Graph loop execution.variant node fixer uses stage kind mechanic from plane planning');

    const strict = { ...toStageKind(STAGE_METADATA[0]!), allowed_overrides: [] };
    const registry2 = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, stageKinds: [strict], loops: [{ ...shippedLoop('execution'), loop_id: 'execution.variant', nodes: shippedLoop('execution').nodes.map((n, i) => (i === 0 ? { ...n, model_name: 'm', timeout_seconds: 5 } : n)) }], modes: [aMode('variant', 'codex_cli', { loop_ids_by_plane: { execution: 'execution.variant', planning: 'planning.standard' } })] } }]);
    expect(errorsOf({ registry: registry2, requestedModeId: 'variant' })).toEqual(['Graph loop execution.variant node builder declares unsupported overrides for stage kind builder: model_name, timeout_seconds']);
  });

  it('a stage kind that shadows a shipped stage with other outcomes breaks compile', () => {
    const shadow = { ...toStageKind(STAGE_METADATA[0]!), legal_outcomes: ['BUILDER_COMPLETE', 'BUILDER_SKIPPED', 'BLOCKED'], success_outcomes: ['BUILDER_COMPLETE', 'BUILDER_SKIPPED'], allowed_result_classes_by_outcome: { BUILDER_COMPLETE: ['success' as const], BUILDER_SKIPPED: ['success' as const], BLOCKED: ['blocked' as const] } };
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, stageKinds: [shadow] } }]);
    const result = compilePlan(compileInputs({ registry }));
    expect(result.diagnostics.errors).toEqual(['Stage kind builder (from plugin millrace-variant@1.0.0) does not match stage metadata: legal outcomes, result-class policy']);
    expect(result.diagnostics.warnings).toEqual([expect.stringContaining('stage kind builder is contributed by millrace-variant@1.0.0 and millrace@0.1.0')]);
  });

  it('completion behavior: non-closure target, unknown terminal states, wrong literal', () => {
    const registry = variant('planning', (l) => {
      l.completion_behavior = { ...l.completion_behavior, target_node_id: 'manager', on_gap_terminal_state_id: 'nowhere' };
    });
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual([
      'Graph loop planning.variant completion behavior targets non-closure stage kind manager',
      'Graph loop planning.variant completion behavior references unknown on_gap_terminal_state_id nowhere',
      'Graph loop planning.variant has unreachable node arbiter: no entry, edge, policy or completion behavior leads there',
    ]);
    const registry2 = variant('planning', (l) => void (l.completion_behavior = { ...l.completion_behavior, trigger: 'whenever' }));
    expect(errorsOf({ registry: registry2, requestedModeId: 'variant' })[0]).toMatch(/^Graph loop planning\.variant completion behavior is invalid: trigger: /);
  });

  it('threshold exhaustion into a terminal state that is not blocked', () => {
    const registry = variant('planning', (l) => void (l.dynamic_policies!.threshold_policies![0]!.exhausted_terminal_state_id = 'manager_complete'));
    expect(errorsOf({ registry, requestedModeId: 'variant' })).toEqual(['Graph loop planning.variant threshold policy planning.blocked.recovery exhausts into terminal state manager_complete whose terminal_class is success, not blocked']);
  });

  it('a stage with no runner at all', () => {
    const registry = aRegistry([{ plugin: LINKED, result: { apiVersion: 1, modes: [aMode('loose', 'codex_cli', { stage_runner_bindings: {} })] } }]);
    const config = aConfig();
    (config.runners as { default_runner?: string | null }).default_runner = null;
    const errors = errorsOf({ registry, requestedModeId: 'loose', config });
    expect(errors).toHaveLength(12);
    expect(errors[0]).toBe('Stage builder (node execution.builder) has no runner: bind one in mode loose, config stages.builder.runner or runners.default_runner');
  });
});
