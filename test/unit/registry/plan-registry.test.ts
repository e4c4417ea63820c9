import { registryFromManifest, toContributionsManifest } from '../../../src/registry/contributions-manifest.js';
import { liveRunners, pluginsOwning } from '../../../src/registry/plan-registry.js';
import { buildRegistry, type PluginOrigin, type Registry } from '../../../src/registry/registry.js';

const user = (name: string): PluginOrigin => ({ name, version: '1.0.0', type: 'user', root: `/plugins/${name}` });
const runner = (id: string, preflight?: () => { problem: string; remedy: string } | undefined) => ({ id, description: `${id} runner`, configSection: id, preflight, load: async () => ({ name: id, run: async () => ({}) }) });
const collected = (missing?: string): Registry =>
  buildRegistry(
    [
      ...(missing === 'echo' ? [] : [{ plugin: user('p-echo'), result: { apiVersion: 1, runners: [runner('echo', () => ({ problem: 'echo is not here', remedy: 'install echo' }))] } }]),
      { plugin: user('p-shout'), result: { apiVersion: 1, runners: missing === 'shout' ? [] : [runner('shout'), runner('whisper')] } },
    ],
    missing === 'echo' ? [{ plugin: user('p-echo'), error: new Error('hook exploded') }] : [],
  );
/** The registry as read commands see it: from the manifest, no plugin code. */
const listed = () => registryFromManifest(toContributionsManifest(collected(), new Map())).registry;

describe('plan registry: live runners for the preflight of a plan read from the contributions manifest', () => {
  it('loads only the plugins that own the runners asked for, each once', () => {
    expect(pluginsOwning(listed().runners, ['echo'])).toEqual(['p-echo']);
    expect(pluginsOwning(listed().runners, ['whisper', 'shout', 'echo'])).toEqual(['p-echo', 'p-shout']);
    expect(pluginsOwning(listed().runners, ['no_such_runner'])).toEqual([]);
  });

  it("gives the loaded plugin's own runner, whose preflight runs (the manifest has none)", async () => {
    expect(listed().runners.get('echo')?.item.preflight).toBeUndefined();
    const live = liveRunners(listed().runners, collected(), ['echo']);
    expect([...live.keys()]).toEqual(['echo']);
    expect(await live.get('echo')?.item.preflight?.({ workspaceRoot: '/w', runtimeRoot: '/w/millrace-agents', config: {}, stages: ['builder'] })).toEqual({ problem: 'echo is not here', remedy: 'install echo' });
  });

  it('a plugin whose hook now fails keeps its runner, with a preflight that reports the failure', async () => {
    const live = liveRunners(listed().runners, collected('echo'), ['echo']);
    const preflight = live.get('echo')?.item.preflight;
    expect(preflight).toBeDefined();
    await expect(async () => preflight?.({ workspaceRoot: '/w', runtimeRoot: '/w/millrace-agents', config: {}, stages: ['builder'] })).rejects.toThrow('plugin p-echo@1.0.0 (user) failed to contribute: hook exploded');
  });

  it('a runner its plugin no longer contributes is reported as such', async () => {
    const live = liveRunners(listed().runners, collected('shout'), ['shout']);
    await expect(async () => live.get('shout')?.item.preflight?.({ workspaceRoot: '/w', runtimeRoot: '/w/millrace-agents', config: {}, stages: ['builder'] })).rejects.toThrow('plugin p-shout no longer contributes runner shout');
  });
});
