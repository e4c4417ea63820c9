import { ModeSchema, STAGE_NAMES } from '@millrace/plugin-api';
import contribute from '../../src/hooks/contribute.js';

describe('millrace:contribute hook of runner-claude-code', () => {
  it('contributes runner claude_code with config section claude and a lazily loaded adapter', async () => {
    const bundle = await contribute();
    expect(bundle.apiVersion).toBe(1);
    const [runner] = bundle.runners ?? [];
    expect(runner).toMatchObject({ id: 'claude_code', configSection: 'claude', reportsActivity: true });
    expect(runner?.configSchema?.safeParse({}).success).toBe(true);
    expect(runner?.configSchema?.safeParse({ args: ['--verbose'] }).success).toBe(false);
    expect((await runner!.load()).name).toBe('claude_code');
  });

  it('contributes mode default_claude with the standard loops and every stage bound to claude_code', async () => {
    const mode = ModeSchema.parse((await contribute()).modes?.[0]);
    expect(mode.mode_id).toBe('default_claude');
    expect(mode.loop_ids_by_plane).toEqual({ execution: 'execution.standard', planning: 'planning.standard' });
    expect(Object.keys(mode.stage_runner_bindings).sort()).toEqual([...STAGE_NAMES].sort());
    expect(new Set(Object.values(mode.stage_runner_bindings))).toEqual(new Set(['claude_code']));
  });
});
