import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { buildCompileShowView, renderCompileShowLines, renderCompileValidateLines } from '../../../src/views/compile.js';
import type { CompileReport } from '../../../src/contracts/compiled-plan.js';
import { compileInputs } from '../../support/compile-inputs.js';

function outcome(overrides: Partial<CompileReport> = {}): CompileReport {
  const result = compilePlan(compileInputs());
  if (!result.ok) throw new Error('expected a plan');
  return {
    status: 'compiled', plan: result.plan, diagnostics: result.diagnostics, keptLastKnownGood: false, currentness: 'current',
    expectedFingerprint: result.plan.compile_input_fingerprint, paths: { compiledPlan: '/ws/plan.json', compileDiagnostics: '/ws/diag.json' },
    baseline: { manifest_id: 'f'.repeat(64), seed_package_version: '0.1.0' }, configWarnings: [], ...overrides,
  };
}

describe('compile view', () => {
  it('renders the diagnostics block, then entries, completion behaviour and one block per node sorted by plane and id', () => {
    const view = buildCompileShowView(outcome());
    const lines = renderCompileShowLines(view);
    expect(lines.slice(0, 4)).toEqual(['ok: true', 'status: compiled', 'mode_id: default_codex', 'used_last_known_good: false']);
    expect(lines).toContain('compiled_plan_currentness: current');
    expect(lines).toContain(`baseline_manifest_id: ${'f'.repeat(64)}`);
    expect(lines.filter((l) => l.startsWith('entry: '))).toEqual(['entry: execution.task -> builder', 'entry: planning.spec -> planner', 'entry: planning.incident -> auditor']);
    expect(lines).toContain('completion: closure_target -> arbiter');
    expect(lines).toContain('completion_behavior.create_incident_on_gap: true');
    expect(lines.filter((l) => l.startsWith('stage: '))).toEqual([
      'stage: execution.builder', 'stage: execution.checker', 'stage: execution.consultant', 'stage: execution.doublechecker', 'stage: execution.fixer', 'stage: execution.troubleshooter', 'stage: execution.updater',
      'stage: planning.arbiter', 'stage: planning.auditor', 'stage: planning.manager', 'stage: planning.mechanic', 'stage: planning.planner',
    ]);
    const builder = lines.indexOf('stage: execution.builder');
    expect(lines.slice(builder + 1, builder + 11)).toEqual([
      '  stage_kind_id: builder', '  running_status_marker: BUILDER_RUNNING', '  entrypoint_path: entrypoints/execution/builder.md',
      '  entrypoint_contract_id: builder.contract.v1', '  required_skills: skills/stage/execution/builder-core/SKILL.md', '  attached_skills: none',
      '  runner_name: codex_cli', '  model_name: none', '  model_reasoning_effort: none', '  timeout_seconds: 3600',
    ]);
  });

  it('after a failure shows the kept plan as stale and lists every error and warning', () => {
    const base = outcome();
    const failed = outcome({
      status: 'failed', keptLastKnownGood: true, currentness: 'stale',
      diagnostics: { ...base.diagnostics, ok: false, errors: ['Unknown mode id: x (installed modes: default_codex)'], warnings: ['w1'] },
      configWarnings: ['cfg warning'],
    });
    const view = buildCompileShowView(failed, 'text');
    expect(view).toMatchObject({ ok: false, used_last_known_good: true, plan: { compiled_plan_currentness: 'stale' } });
    expect(view.graph?.text).toContain('builder --BUILDER_COMPLETE--> checker');
    expect(renderCompileValidateLines(view).slice(-3)).toEqual(['warning: cfg warning', 'warning: w1', 'error: Unknown mode id: x (installed modes: default_codex)']);
    const noPlan = buildCompileShowView(outcome({ status: 'failed', plan: null, keptLastKnownGood: false, currentness: 'missing', diagnostics: { ...base.diagnostics, ok: false, errors: ['e'] } }));
    expect(noPlan).toMatchObject({ plan: null, compile_input: null, graph: null });
  });
});
