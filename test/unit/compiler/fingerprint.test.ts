import { canonicalJson } from '../../../src/compiler/canonical-json.js';
import { assetsFingerprint, configFingerprint, contributionHash, planId } from '../../../src/compiler/fingerprint.js';
import { aConfig } from '../../support/compile-inputs.js';

describe('canonical JSON and fingerprints', () => {
  it('sorts keys at every level, drops undefined, escapes non-ASCII', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: undefined, a: 'é' }], a: null, c: true })).toBe('{"a":null,"b":[2,{"a":"\\u00e9","d":1}],"c":true}');
    expect(canonicalJson(new Map([['z', 1], ['a', 2]]))).toBe('{"a":2,"z":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow('non-finite');
  });

  it('config fingerprint covers the whole config and ignores key order', () => {
    const a = configFingerprint(aConfig());
    expect(a).toMatch(/^cfg-[0-9a-f]{12}$/);
    expect(configFingerprint(aConfig({ watchers: { debounce_ms: 500 } }))).not.toBe(a);
    expect(configFingerprint(JSON.parse(JSON.stringify(aConfig()), (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)))).toBe(a);
  });

  it('contribution hashes include the contributing plugin name and version', () => {
    const item = { mode_id: 'm' };
    const h = contributionHash(item, { name: 'p', version: '1.0.0', type: 'core' });
    expect(contributionHash(item, { name: 'p', version: '1.0.1', type: 'core' })).not.toBe(h);
    expect(contributionHash(item, { name: 'q', version: '1.0.0', type: 'core' })).not.toBe(h);
    expect(contributionHash(item, { name: 'p', version: '1.0.0', type: 'link' })).toBe(h);
  });

  it('assets fingerprint is order-independent and sensitive to content tokens', () => {
    const refs = [
      { asset_family: 'mode' as const, logical_id: 'mode:m', location: 'plugin:p@1', content_sha256: 'a'.repeat(64) },
      { asset_family: 'entrypoint' as const, logical_id: 'entrypoint:e.md', location: 'millrace-agents/e.md', content_sha256: 'b'.repeat(64) },
    ];
    const fp = assetsFingerprint(refs);
    expect(fp).toMatch(/^assets-[0-9a-f]{12}$/);
    expect(assetsFingerprint([...refs].reverse())).toBe(fp);
    expect(assetsFingerprint([refs[0]!, { ...refs[1]!, content_sha256: 'missing' }])).not.toBe(fp);
  });

  it('plan id embeds the mode and hashes only behaviour-relevant parts', () => {
    const identity = { mode_id: 'm', loop_ids_by_plane: { execution: 'execution.standard' }, graphs_by_plane: {}, concurrency_policy: null, learning_trigger_rules: [] };
    expect(planId(identity)).toMatch(/^plan-m-[0-9a-f]{12}$/);
    expect(planId({ ...identity })).toBe(planId(identity));
    expect(planId({ ...identity, loop_ids_by_plane: { execution: 'execution.other' } })).not.toBe(planId(identity));
  });
});
