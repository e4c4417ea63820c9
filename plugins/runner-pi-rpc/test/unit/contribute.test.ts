import { ModeSchema, STAGE_NAMES } from '@millrace/plugin-api';
import contribute from '../../src/hooks/contribute.js';

describe('millrace:contribute hook of runner-pi-rpc', () => {
  it('contributes runner pi_rpc with config section pi and a lazily loaded adapter', async () => {
    const bundle = await contribute();
    expect(bundle.apiVersion).toBe(1);
    const [runner] = bundle.runners ?? [];
    expect(runner).toMatchObject({ id: 'pi_rpc', configSection: 'pi' });
    expect(runner?.configSchema?.safeParse({}).success).toBe(true);
    expect(runner?.configSchema?.safeParse({ args: ['--no-session'] }).success).toBe(false);
    const adapter = await runner!.load();
    expect(adapter.name).toBe('pi_rpc');
  });

  it('contributes mode default_pi with the standard loops and every stage bound to pi_rpc', async () => {
    const bundle = await contribute();
    const mode = ModeSchema.parse(bundle.modes?.[0]);
    expect(mode.mode_id).toBe('default_pi');
    expect(mode.loop_ids_by_plane).toEqual({ execution: 'execution.standard', planning: 'planning.standard' });
    expect(Object.keys(mode.stage_runner_bindings).sort()).toEqual([...STAGE_NAMES].sort());
    expect(new Set(Object.values(mode.stage_runner_bindings))).toEqual(new Set(['pi_rpc']));
    expect(STAGE_NAMES).toHaveLength(12);
  });
});
