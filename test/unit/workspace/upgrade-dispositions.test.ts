import type { BaselineManifest } from '../../../src/contracts/baseline-manifest.js';
import { decideUpgradeEntries, invalidLocalizePaths, type CurrentState } from '../../../src/workspace/init/upgrade-dispositions.js';
import { canonicalJson, manifestFromEntries } from '../../../src/workspace/init/baseline-manifest.js';

const h = (c: string) => c.repeat(64);
const manifest = (entries: Record<string, string>): BaselineManifest =>
  manifestFromEntries(
    Object.entries(entries).map(([relative_path, sha]) => ({ relative_path, asset_family: 'entrypoints' as const, original_sha256: sha })),
    '0.1.0',
  );

function decide(original: Record<string, string>, candidate: Record<string, string>, current: Record<string, CurrentState>, localize: string[] = []) {
  const entries = decideUpgradeEntries(manifest(original), manifest(candidate), new Map(Object.entries(current)), new Set(localize));
  return Object.fromEntries(entries.map((e) => [e.relative_path, e.disposition]));
}

describe('decideUpgradeEntries (workspace.md §7.2)', () => {
  it('classifies paths in both manifests', () => {
    expect(
      decide(
        { 'entrypoints/u.md': h('a'), 'entrypoints/s.md': h('a'), 'entrypoints/l.md': h('a'), 'entrypoints/c.md': h('a'), 'entrypoints/x.md': h('a'), 'entrypoints/m.md': h('a') },
        { 'entrypoints/u.md': h('a'), 'entrypoints/s.md': h('b'), 'entrypoints/l.md': h('a'), 'entrypoints/c.md': h('b'), 'entrypoints/x.md': h('b'), 'entrypoints/m.md': h('b') },
        { 'entrypoints/u.md': h('a'), 'entrypoints/s.md': h('a'), 'entrypoints/l.md': h('c'), 'entrypoints/c.md': h('b'), 'entrypoints/x.md': h('c'), 'entrypoints/m.md': 'absent' },
      ),
    ).toEqual({
      'entrypoints/c.md': 'already_converged',
      'entrypoints/l.md': 'local_only_modification',
      'entrypoints/m.md': 'missing',
      'entrypoints/s.md': 'safe_package_update',
      'entrypoints/u.md': 'unchanged',
      'entrypoints/x.md': 'conflict',
    });
  });

  it('classifies new package assets', () => {
    expect(decide({}, { 'entrypoints/new.md': h('b'), 'entrypoints/same.md': h('b'), 'entrypoints/other.md': h('b') }, { 'entrypoints/same.md': h('b'), 'entrypoints/other.md': h('c') })).toEqual({
      'entrypoints/new.md': 'missing',
      'entrypoints/same.md': 'already_converged',
      'entrypoints/other.md': 'conflict',
    });
  });

  it('treats package-removed assets as conflicts unless localized, whatever their current state', () => {
    expect(decide({ 'entrypoints/gone.md': h('a'), 'entrypoints/kept.md': h('a') }, {}, { 'entrypoints/kept.md': h('a') }, ['entrypoints/kept.md'])).toEqual({
      'entrypoints/gone.md': 'conflict',
      'entrypoints/kept.md': 'localized_removed',
    });
  });

  it('a directory in the way of a managed file is a conflict', () => {
    expect(decide({ 'entrypoints/a.md': h('a') }, { 'entrypoints/a.md': h('a') }, { 'entrypoints/a.md': 'not_a_file' })).toEqual({ 'entrypoints/a.md': 'conflict' });
  });

  it('rejects localize paths that the package did not remove', () => {
    expect(invalidLocalizePaths(manifest({ 'entrypoints/a.md': h('a') }), manifest({ 'entrypoints/a.md': h('a') }), new Set(['entrypoints/a.md', 'entrypoints/z.md']))).toEqual(['entrypoints/a.md', 'entrypoints/z.md']);
  });
});

describe('manifestFromEntries', () => {
  it('sorts entries and derives a stable id from canonical JSON', () => {
    const a = manifest({ 'entrypoints/b.md': h('1'), 'entrypoints/a.md': h('2') });
    const b = manifest({ 'entrypoints/a.md': h('2'), 'entrypoints/b.md': h('1') });
    expect(a.entries.map((e) => e.relative_path)).toEqual(['entrypoints/a.md', 'entrypoints/b.md']);
    expect(a.manifest_id).toBe(b.manifest_id);
    expect(a.manifest_id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('canonical JSON sorts keys at every level and escapes non-ASCII', () => {
    expect(canonicalJson({ b: 1, a: { d: ['é'], c: null } })).toBe('{"a":{"c":null,"d":["\\u00e9"]},"b":1}');
  });
});
