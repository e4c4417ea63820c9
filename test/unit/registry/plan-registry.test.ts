import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registryFromManifest, toContributionsManifest } from '../../../src/registry/contributions-manifest.js';
import { importedPreflights, liveRunners, pluginsOwning } from '../../../src/registry/plan-registry.js';
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

  describe('preflight modules (RunnerContribution.preflightModule)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'millrace-preflight-module-'));
      await writeFile(join(dir, 'preflight.mjs'), "export default ({ config }) => (config.here ? null : { problem: 'tool is not here', remedy: 'install the tool' });\n");
      await writeFile(join(dir, 'no-function.mjs'), 'export default 42;\n');
      await writeFile(join(dir, 'broken.mjs'), "throw new Error('module exploded');\n");
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });
    const url = (file: string) => pathToFileURL(join(dir, file)).href;
    /** As read commands see a registry whose runners name these modules: through the manifest, no hook run. */
    const listedWith = (modules: Record<string, string>) => {
      const registry = buildRegistry([{ plugin: user('p-mod'), result: { apiVersion: 1, runners: Object.entries(modules).map(([id, module]) => ({ ...runner(id), preflightModule: module })) } }], []);
      const manifest = JSON.parse(JSON.stringify(toContributionsManifest(registry, new Map()))) as ReturnType<typeof toContributionsManifest>;
      return registryFromManifest(manifest).registry.runners;
    };

    it('keeps the module URL through the manifest and imports the preflight from it, without the hook', async () => {
      const listedRunners = listedWith({ fast: url('preflight.mjs') });
      expect(listedRunners.get('fast')?.item.preflightModule).toBe(url('preflight.mjs'));
      const imported = await importedPreflights(listedRunners, ['fast']);
      expect([...imported.keys()]).toEqual(['fast']);
      expect(imported.get('fast')?.plugin.name).toBe('p-mod');
      const preflight = imported.get('fast')?.item.preflight;
      const input = { workspaceRoot: '/w', runtimeRoot: '/w/millrace-agents', stages: ['builder'] };
      expect(await preflight?.({ ...input, config: {} })).toEqual({ problem: 'tool is not here', remedy: 'install the tool' });
      expect(await preflight?.({ ...input, config: { here: true } })).toBeNull();
    });

    it('leaves out a runner without a module, or whose module fails to import, exports no function or is not a file URL (its hook runs instead)', async () => {
      const listedRunners = listedWith({ fine: url('preflight.mjs'), nofn: url('no-function.mjs'), broken: url('broken.mjs'), missing: url('missing.mjs'), remote: 'https://example.invalid/preflight.mjs' });
      const imported = await importedPreflights(listedRunners, ['fine', 'nofn', 'broken', 'missing', 'remote', 'echo_unlisted']);
      expect([...imported.keys()]).toEqual(['fine']);
      const noModule = await importedPreflights(listed().runners, ['echo', 'shout']);
      expect(noModule.size).toBe(0);
    });
  });
});
