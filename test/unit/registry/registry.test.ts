import { buildRegistry, type PluginOrigin } from '../../../src/registry/registry.js';
import { STAGE_METADATA, toStageKind } from '../../../src/contracts/stage-metadata.js';

const core = (name: string): PluginOrigin => ({ name, version: '1.0.0', type: 'core' });
const linked = (name: string): PluginOrigin => ({ name, version: '0.0.1', type: 'link' });
const runner = (id: string) => ({ id, description: `${id} runner`, load: async () => ({ name: id, run: async () => { throw new Error('unused'); } }) });
const mode = (mode_id: string, runnerId: string) => ({
  mode_id,
  loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' },
  stage_runner_bindings: { builder: runnerId },
});

describe('buildRegistry', () => {
  it('indexes valid contributions and tags them with their plugin', () => {
    const registry = buildRegistry([{ plugin: core('p-echo'), result: { apiVersion: 1, runners: [runner('echo')], modes: [mode('echo_mode', 'echo')] } }], []);
    expect(registry.runners.get('echo')?.plugin.name).toBe('p-echo');
    expect(registry.modes.get('echo_mode')?.item.stage_runner_bindings).toEqual({ builder: 'echo' });
    expect(registry.problems).toEqual([]);
  });

  it('accepts every shipped stage kind derived from the stage metadata', () => {
    const registry = buildRegistry([{ plugin: core('millrace'), result: { apiVersion: 1, stageKinds: STAGE_METADATA.map(toStageKind) } }], []);
    expect(registry.problems).toEqual([]);
    expect([...registry.stageKinds.keys()]).toHaveLength(12);
  });

  it('reports invalid items without dropping the valid ones', () => {
    const registry = buildRegistry([{ plugin: core('p'), result: { apiVersion: 1, runners: [runner('good'), { id: 'Bad Id', description: 'x', load: 1 }] } }], []);
    expect(registry.runners.has('good')).toBe(true);
    expect(registry.problems).toHaveLength(1);
    expect(registry.problems[0]).toMatchObject({ code: 'ITEM_INVALID', plugin: 'p', kind: 'runner' });
  });

  it('refuses a bundle of another API version', () => {
    const registry = buildRegistry([{ plugin: core('future'), result: { apiVersion: 99, runners: [runner('x')] } }], []);
    expect(registry.runners.size).toBe(0);
    expect(registry.problems[0]?.code).toBe('API_VERSION_MISMATCH');
  });

  it('names both plugins on a duplicate id and orders by precedence, not completion order', () => {
    const a = { plugin: core('a-core'), result: { apiVersion: 1, runners: [runner('dup')] } };
    const b = { plugin: linked('z-linked'), result: { apiVersion: 1, runners: [runner('dup')] } };
    for (const order of [[a, b], [b, a]]) {
      const registry = buildRegistry(order, []);
      expect(registry.runners.get('dup')?.plugin.name).toBe('z-linked');
      expect(registry.problems).toHaveLength(1);
      expect(registry.problems[0]?.message).toContain('a-core');
      expect(registry.problems[0]?.message).toContain('z-linked');
      expect(registry.conflicts.get('runner:dup')?.map((p) => p.name)).toEqual(['z-linked', 'a-core']);
    }
  });

  it('captures a throwing hook as a problem naming the plugin', () => {
    const registry = buildRegistry([{ plugin: core('ok'), result: { apiVersion: 1, runners: [runner('ok')] } }], [{ plugin: core('broken'), error: new Error('boom') }]);
    expect(registry.runners.has('ok')).toBe(true);
    expect(registry.problems[0]).toMatchObject({ code: 'HOOK_FAILED', plugin: 'broken' });
    expect(registry.problems[0]?.message).toContain('boom');
  });
});
