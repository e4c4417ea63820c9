import { ModeSchema, RunnerContributionShapeSchema, STAGE_NAMES } from '@millrace/plugin-api';
import contribute from '../../src/hooks/contribute.js';

describe('runner-codex-cli contribution', () => {
  it('contributes the codex_cli runner with its config section and a lazily loaded adapter', async () => {
    const bundle = await contribute();
    expect(bundle.apiVersion).toBe(1);
    const runner = bundle.runners?.[0];
    expect(RunnerContributionShapeSchema.safeParse(runner).success).toBe(true);
    expect(runner).toMatchObject({ id: 'codex_cli', configSection: 'codex' });
    expect(runner?.configSchema?.safeParse({}).success).toBe(true);
    expect(runner?.configSchema?.safeParse({ permission_default: 'root' }).success).toBe(false);
    const adapter = await runner?.load();
    expect(adapter?.name).toBe('codex_cli');
  });

  it('contributes default_codex (alias standard_plain) binding all 12 stages to codex_cli', async () => {
    const bundle = await contribute();
    const mode = ModeSchema.parse(bundle.modes?.[0]);
    expect(mode.mode_id).toBe('default_codex');
    expect(mode.aliases).toEqual(['standard_plain']);
    expect(mode.loop_ids_by_plane).toEqual({ execution: 'execution.standard', planning: 'planning.standard' });
    expect(Object.keys(mode.stage_runner_bindings).sort()).toEqual([...STAGE_NAMES].sort());
    expect(new Set(Object.values(mode.stage_runner_bindings))).toEqual(new Set(['codex_cli']));
    expect(mode).toMatchObject({ stage_entrypoint_overrides: {}, stage_skill_additions: {}, stage_model_bindings: {} });
  });
});
