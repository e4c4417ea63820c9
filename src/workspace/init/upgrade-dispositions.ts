import type { AssetFamily, BaselineManifest, UpgradeDisposition } from '../../contracts/baseline-manifest.js';

/** The workspace state of one managed path: its sha256, absent, or a non-file (e.g. a directory) in the way. */
export type CurrentState = string | 'absent' | 'not_a_file';

export type UpgradeEntry = {
  relative_path: string;
  disposition: UpgradeDisposition;
  asset_family: AssetFamily | string;
  original_sha256: string | null;
  current_sha256: string | null;
  candidate_sha256: string | null;
};

/**
 * Pure: classify every path of (original ∪ candidate), sorted, with the first matching rule of workspace.md §7.2.
 * `current` gives the workspace state of each path; `localize` lists package-removed paths the operator keeps.
 */
export function decideUpgradeEntries(
  original: BaselineManifest,
  candidate: BaselineManifest,
  current: ReadonlyMap<string, CurrentState>,
  localize: ReadonlySet<string> = new Set(),
): UpgradeEntry[] {
  const orig = new Map(original.entries.map((e) => [e.relative_path, e]));
  const cand = new Map(candidate.entries.map((e) => [e.relative_path, e]));
  const paths = [...new Set([...orig.keys(), ...cand.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return paths.map((path) => {
    const o = orig.get(path)?.original_sha256 ?? null;
    const c = cand.get(path)?.original_sha256 ?? null;
    const state = current.get(path) ?? 'absent';
    const cur = state === 'absent' || state === 'not_a_file' ? null : state;
    const family = cand.get(path)?.asset_family ?? orig.get(path)?.asset_family ?? path.split('/')[0] ?? path;
    return { relative_path: path, disposition: classify(o, c, state, localize.has(path)), asset_family: family, original_sha256: o, current_sha256: cur, candidate_sha256: c };
  });
}

function classify(original: string | null, candidate: string | null, state: CurrentState, localized: boolean): UpgradeDisposition {
  if (state === 'not_a_file') return 'conflict';
  const current = state === 'absent' ? null : state;
  if (original === null) {
    if (current === null) return 'missing';
    return current === candidate ? 'already_converged' : 'conflict';
  }
  if (candidate === null) return localized ? 'localized_removed' : 'conflict';
  if (current === null) return 'missing';
  if (current === original && original === candidate) return 'unchanged';
  if (current === original) return 'safe_package_update';
  if (candidate === original) return 'local_only_modification';
  if (current === candidate) return 'already_converged';
  return 'conflict';
}

/** Pure: localize paths that are not package-removed managed paths (an operator error). */
export function invalidLocalizePaths(original: BaselineManifest, candidate: BaselineManifest, localize: ReadonlySet<string>): string[] {
  const removed = new Set(original.entries.map((e) => e.relative_path).filter((p) => !candidate.entries.some((c) => c.relative_path === p)));
  return [...localize].filter((p) => !removed.has(p)).sort();
}
