import { effectiveProvenance, leafKeys, mergeConfigLayers, sourceOf } from '../../../src/config/merge-layers.js';

describe('mergeConfigLayers', () => {
  it('merges tables key by key, later layers winning', () => {
    const { merged, provenance } = mergeConfigLayers([
      { source: 'a.toml', data: { runtime: { default_mode: 'default_pi', run_style: 'once' }, recovery: { max_fix_cycles: 3 } } },
      { source: '.millracerc', data: { runtime: { run_style: 'daemon' } } },
    ]);
    expect(merged).toEqual({ runtime: { default_mode: 'default_pi', run_style: 'daemon' }, recovery: { max_fix_cycles: 3 } });
    expect(provenance).toEqual({ 'runtime.default_mode': 'a.toml', 'runtime.run_style': '.millracerc', 'recovery.max_fix_cycles': 'a.toml' });
  });

  it('replaces arrays and scalars wholesale instead of merging them', () => {
    const { merged } = mergeConfigLayers([
      { source: 'low', data: { runners: { codex: { args: ['exec', '--x'] } } } },
      { source: 'high', data: { runners: { codex: { args: [] } } } },
    ]);
    expect(merged).toEqual({ runners: { codex: { args: [] } } });
  });

  it('replaces a scalar by a table and forgets the provenance below a replaced key', () => {
    const { merged, provenance } = mergeConfigLayers([
      { source: 'low', data: { stages: { builder: { model: 'm' } } } },
      { source: 'high', data: { stages: 'oops' } },
    ]);
    expect(merged).toEqual({ stages: 'oops' });
    expect(provenance).toEqual({ stages: 'high' });
  });

  it('records an empty table as set by its file', () => {
    const { provenance } = mergeConfigLayers([{ source: 'f', data: { stages: { checker: {} } } }]);
    expect(sourceOf(provenance, 'stages.checker.timeout_seconds')).toBe('f');
    expect(sourceOf(provenance, 'runtime.default_mode')).toBe('defaults');
  });
});

describe('leafKeys / effectiveProvenance', () => {
  it('lists dotted leaves and attributes each to a file or the defaults', () => {
    const config = { runtime: { default_mode: 'x', run_style: 'daemon' }, stages: {}, list: [1] };
    expect(leafKeys(config)).toEqual(['runtime.default_mode', 'runtime.run_style', 'stages', 'list']);
    expect(effectiveProvenance(config, { 'runtime.default_mode': 'f.toml' })).toEqual({
      'runtime.default_mode': 'f.toml',
      'runtime.run_style': 'defaults',
      stages: 'defaults',
      list: 'defaults',
    });
  });
});
