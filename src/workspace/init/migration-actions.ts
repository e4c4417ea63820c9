import type { UpgradeEntry } from './upgrade-dispositions.js';

/**
 * What `millrace migrate` does with one managed path (docs/workspace.md, "Migrating from the Python reference"):
 * - `keep`: nothing to do (unchanged, already ours, or an operator edit of a file the package did not change);
 * - `convert`: an untouched asset of the old package: moved aside, the shipped one written in its place;
 * - `replace_edited`: an asset the operator edited that the package also changed (e.g. a reference entrypoint): moved
 *   aside so the edits can be ported, the shipped one written in its place;
 * - `restore`: a shipped asset the workspace lacks: written;
 * - `set_aside`: an asset only the old package had (learning plane, the reference's Python helpers, its modes, legacy
 *   loops, stage-kind registry): moved aside, no longer managed;
 * - `drop`: such an asset that is already gone: only leaves the manifest;
 * - `blocked`: something other than a file is in the way: the apply is refused and nothing is changed.
 * Nothing is ever deleted: every file replaced or removed is moved to the set-aside folder under its own path.
 */
export type MigrationAction = 'keep' | 'convert' | 'replace_edited' | 'restore' | 'set_aside' | 'drop' | 'blocked';

export const MIGRATION_ACTIONS: readonly MigrationAction[] = ['keep', 'convert', 'replace_edited', 'restore', 'set_aside', 'drop', 'blocked'];

/** Pure: the migration action of one classified upgrade entry. */
export function decideMigrationAction(entry: Pick<UpgradeEntry, 'disposition' | 'original_sha256' | 'candidate_sha256' | 'current_sha256'>): MigrationAction {
  switch (entry.disposition) {
    case 'unchanged':
    case 'already_converged':
    case 'local_only_modification':
    case 'localized_removed':
      return 'keep';
    case 'safe_package_update':
      return 'convert';
    case 'missing':
      return 'restore';
    case 'conflict':
      if (entry.current_sha256 === null) return entry.candidate_sha256 === null ? 'drop' : 'blocked';
      return entry.candidate_sha256 === null ? 'set_aside' : 'replace_edited';
  }
}

/** Actions that move the workspace's current file aside. */
export const MOVES_ASIDE: ReadonlySet<MigrationAction> = new Set(['convert', 'replace_edited', 'set_aside']);
/** Actions that write the shipped file. */
export const WRITES_SHIPPED: ReadonlySet<MigrationAction> = new Set(['convert', 'replace_edited', 'restore']);
