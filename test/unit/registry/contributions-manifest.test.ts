import { openCachedRegistry, type ContributionsManifestStore } from '../../../src/registry/cached-registry.js';
import { recordingValidations, registryFromManifest, toContributionsManifest, type ContributionsManifest, type StoredValidation } from '../../../src/registry/contributions-manifest.js';
import { buildRegistry, type PluginOrigin, type Registry } from '../../../src/registry/registry.js';
import { STAGE_METADATA, toStageKind } from '../../../src/contracts/stage-metadata.js';

const core = (name: string): PluginOrigin => ({ name, version: '1.0.0', type: 'core', root: `/plugins/${name}` });
/** A runner whose schema fills a default, like a real runner plugin's. */
const echoSchema = {
  safeParse: (input: unknown) => {
    const value = (input ?? {}) as { prefix?: unknown };
    return typeof value.prefix === 'number' ? { success: false as const, error: { issues: [{ path: ['prefix'], message: 'expected string' }] } } : { success: true as const, data: { prefix: value.prefix ?? 'echo' } };
  },
};
const collected = (): Registry =>
  buildRegistry(
    [
      { plugin: core('millrace'), result: { apiVersion: 1, stageKinds: STAGE_METADATA.map(toStageKind) } },
      {
        plugin: core('p-echo'),
        result: {
          apiVersion: 1,
          runners: [{ id: 'echo', description: 'echo runner', configSection: 'echo', configSchema: echoSchema, load: async () => ({ name: 'echo', run: async () => ({}) }) }],
          modes: [{ mode_id: 'echo_mode', aliases: ['echo'], loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' }, stage_runner_bindings: { builder: 'echo' } }],
        },
      },
    ],
    [{ plugin: core('p-broken'), error: new Error('hook exploded') }],
  );

/** A store in memory, through JSON like the file. */
function memoryStore(): ContributionsManifestStore & { text?: string; writes: number } {
  const store = {
    text: undefined as string | undefined,
    writes: 0,
    read: () => (store.text === undefined ? undefined : (JSON.parse(store.text) as unknown)),
    write: async (manifest: ContributionsManifest) => {
      store.writes += 1;
      store.text = JSON.stringify(manifest);
    },
  };
  return store;
}

describe('contributions manifest', () => {
  it('a registry read back from its manifest lists the same modes, aliases, stage kinds, runners and problems', () => {
    const registry = collected();
    const back = registryFromManifest(JSON.parse(JSON.stringify(toContributionsManifest(registry, new Map()))) as ContributionsManifest).registry;
    expect([...back.modes]).toEqual([...registry.modes]);
    expect([...back.modeAliases]).toEqual([...registry.modeAliases]);
    expect([...back.stageKinds]).toEqual([...registry.stageKinds]);
    expect([...back.runners.keys()]).toEqual(['echo']);
    expect(back.runners.get('echo')).toMatchObject({ item: { id: 'echo', configSection: 'echo' }, plugin: { name: 'p-echo' } });
    expect(back.problems).toEqual(registry.problems);
    expect(back.problems[0]?.code).toBe('HOOK_FAILED');
  });

  it('answers a runner section only with a result its plugin gave; any other section marks it incomplete', () => {
    const validations = new Map<string, StoredValidation>();
    const recording = recordingValidations(collected(), validations);
    expect(recording.runners.get('echo')!.item.configSchema!.safeParse({})).toEqual({ success: true, data: { prefix: 'echo' } });
    recording.runners.get('echo')!.item.configSchema!.safeParse({ prefix: 3 });
    const back = registryFromManifest(JSON.parse(JSON.stringify(toContributionsManifest(recording, validations))) as ContributionsManifest);
    const schema = back.registry.runners.get('echo')!.item.configSchema!;
    expect(schema.safeParse({})).toEqual({ success: true, data: { prefix: 'echo' } });
    expect(schema.safeParse({ prefix: 3 })).toEqual({ success: false, error: { issues: [{ path: ['prefix'], message: 'expected string' }] } });
    expect(back.incomplete()).toBe(false);
    schema.safeParse({ prefix: 'other' });
    expect(back.incomplete()).toBe(true);
  });

  it('collects only without a manifest or when one lacks a result, and saves what it learnt', async () => {
    const store = memoryStore();
    let collections = 0;
    const collect = async () => {
      collections += 1;
      return collected();
    };
    const first = await openCachedRegistry(store, collect);
    first.registry.runners.get('echo')!.item.configSchema!.safeParse({});
    await first.save();
    expect([collections, store.writes]).toEqual([1, 1]);

    const second = await openCachedRegistry(store, collect);
    expect(second.registry.runners.get('echo')!.item.configSchema!.safeParse({})).toEqual({ success: true, data: { prefix: 'echo' } });
    await second.save();
    expect([collections, store.writes, second.incomplete()]).toEqual([1, 1, false]);

    const third = await openCachedRegistry(store, collect);
    third.registry.runners.get('echo')!.item.configSchema!.safeParse({ prefix: 'x' });
    expect(third.incomplete()).toBe(true);
    (await third.collect()).runners.get('echo')!.item.configSchema!.safeParse({ prefix: 'x' });
    await third.save();
    expect(collections).toBe(2);
    const fourth = await openCachedRegistry(store, collect);
    expect(fourth.registry.runners.get('echo')!.item.configSchema!.safeParse({ prefix: 'x' })).toEqual({ success: true, data: { prefix: 'x' } });
    expect([fourth.incomplete(), collections]).toEqual([false, 2]);
  });
});
