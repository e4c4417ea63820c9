import type { CompileInputFingerprint, ContributionOrigin, ResolvedAsset } from '../contracts/compiled-plan.js';
import { canonicalJson, first12, sha256Hex } from './canonical-json.js';

/** `cfg-<12 hex>` over the canonical JSON of the entire (validated, defaults included) config. */
export function configFingerprint(config: unknown): string {
  return `cfg-${first12(sha256Hex(canonicalJson(config)))}`;
}

/** Hash of one plugin contribution: its data plus the contributing plugin's name and version. */
export function contributionHash(item: unknown, plugin: ContributionOrigin): string {
  return sha256Hex(canonicalJson({ item, plugin: { name: plugin.name, version: plugin.version } }));
}

/** Where a contribution came from: `plugin:<name>@<version>`, or the file path of a workspace-local one. */
export const pluginLocation = (plugin: ContributionOrigin): string => (plugin.type === 'workspace' ? plugin.name : `plugin:${plugin.name}@${plugin.version}`);

/** `assets-<12 hex>` over the refs sorted by (family, logical id, location), each with its current token. */
export function assetsFingerprint(refs: ReadonlyArray<Pick<ResolvedAsset, 'asset_family' | 'logical_id' | 'location' | 'content_sha256'>>): string {
  const key = (r: (typeof refs)[number]) => `${r.asset_family}\0${r.logical_id}\0${r.location}`;
  const sorted = [...refs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const body = sorted.map((r) => `${key(r)}\0${r.content_sha256}\0`).join('');
  return `assets-${first12(sha256Hex(body))}`;
}

/** `plan-<mode>-<12 hex>` over the parts of the plan that change behaviour (not time, not fingerprints). */
export function planId(identity: { mode_id: string; loop_ids_by_plane: unknown; graphs_by_plane: unknown; concurrency_policy: unknown; learning_trigger_rules: unknown }): string {
  return `plan-${identity.mode_id}-${first12(sha256Hex(canonicalJson(identity)))}`;
}

export function sameFingerprint(a: CompileInputFingerprint, b: CompileInputFingerprint): boolean {
  return a.mode_id === b.mode_id && a.config_fingerprint === b.config_fingerprint && a.assets_fingerprint === b.assets_fingerprint;
}
