import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { MillraceError } from '../../errors/index.js';
import { ASSET_ROOT } from '../../contracts/asset-root.js';
import { requireInitializedWorkspace } from '../initialized.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import { inspectLock } from '../state/lock.js';
import { hashFileIfPresent } from './asset-files.js';
import { BOOTSTRAP_DIRECTORIES } from './bootstrap-files.js';
import { buildBaselineManifest, readBaselineManifest, renderBaselineManifest } from './baseline-manifest.js';
import { initWorkspace } from './init-workspace.js';
import { decideMigrationAction, MIGRATION_ACTIONS, MOVES_ASIDE, WRITES_SHIPPED, type MigrationAction } from './migration-actions.js';
import { decideUpgradeEntries, type CurrentState } from './upgrade-dispositions.js';

export type MigrateWorkspaceOptions = { workspaceRoot: string; packageVersion: string; apply: boolean; assetRoot?: string; now?: Date };

export type MigrationEntry = {
  relative_path: string;
  action: MigrationAction;
  /** Workspace-relative path the current file is (or would be) moved to; null when it stays or is absent. */
  set_aside_to: string | null;
};

/** `millrace migrate --json` result. */
export type MigrateWorkspaceResult = {
  workspace: string;
  applied: boolean;
  /** The seed version the workspace's manifest records (e.g. the reference's `0.16.2`) and the installed one. */
  from_seed_package_version: string;
  to_seed_package_version: string;
  /** Workspace-relative folder that receives every replaced or retired file (created only when something moves). */
  set_aside_dir: string;
  counts: Record<MigrationAction, number>;
  /** Every managed path that is not simply kept, sorted by path. */
  entries: MigrationEntry[];
  /** Set after an apply: the id of the baseline manifest now on disk. */
  result_manifest_id: string | null;
  /** Bootstrap files and folders the apply added (what `init` writes that the workspace lacked). */
  created_files: string[];
  /** Folders (runtime-root-relative) that the apply's moves left empty and so removed, e.g. the reference's `modes`. */
  removed_empty_folders: string[];
};

const stamp = (now: Date) => now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** `millrace-agents/migration/<UTC stamp>[-n]`: a folder that does not exist yet. */
function setAsideDir(runtimeRoot: string, now: Date): string {
  const base = join(runtimeRoot, 'migration', stamp(now));
  let dir = base;
  for (let n = 2; existsSync(dir); n += 1) dir = `${base}-${n}`;
  return dir;
}

const posix = (path: string) => path.split(sep).join('/');

/**
 * Move a workspace onto this package's assets (preview by default). Classifies every managed path like `upgrade`, then
 * converts, restores, sets aside or keeps it (see `MigrationAction`); an apply moves files aside before writing the
 * shipped ones, writes a fresh baseline manifest and adds missing bootstrap files. Never deletes a file.
 */
export async function migrateWorkspace(options: MigrateWorkspaceOptions): Promise<MigrateWorkspaceResult> {
  const paths = requireInitializedWorkspace(options.workspaceRoot);
  const assetRoot = options.assetRoot ?? ASSET_ROOT;
  const now = options.now ?? new Date();
  const original = await readBaselineManifest(paths.baselineManifest, 'millrace-agents/state/baseline_manifest.json', paths.workspaceRoot);
  const candidate = await buildBaselineManifest(assetRoot, options.packageVersion);
  const current = new Map<string, CurrentState>();
  for (const path of new Set([...original.entries, ...candidate.entries].map((e) => e.relative_path))) {
    current.set(path, (await hashFileIfPresent(join(paths.runtimeRoot, path))) ?? 'absent');
  }
  const aside = setAsideDir(paths.runtimeRoot, now);
  const rel = (absolute: string) => posix(relative(paths.workspaceRoot, absolute));
  const decided = decideUpgradeEntries(original, candidate, current).map((entry) => {
    const action = decideMigrationAction(entry);
    return { relative_path: entry.relative_path, action, set_aside_to: MOVES_ASIDE.has(action) ? rel(join(aside, entry.relative_path)) : null };
  });
  const counts = Object.fromEntries(MIGRATION_ACTIONS.map((a) => [a, 0])) as Record<MigrationAction, number>;
  for (const e of decided) counts[e.action] += 1;
  const result: MigrateWorkspaceResult = {
    workspace: paths.workspaceRoot,
    applied: false,
    from_seed_package_version: original.seed_package_version,
    to_seed_package_version: candidate.seed_package_version,
    set_aside_dir: rel(aside),
    counts,
    entries: decided.filter((e) => e.action !== 'keep'),
    result_manifest_id: null,
    created_files: [],
    removed_empty_folders: [],
  };
  if (!options.apply) return result;

  const lock = await inspectLock(paths);
  if (lock.state === 'active') throw new MillraceError('LOCK_HELD', `a runtime owns this workspace: ${lock.detail}`, { hint: 'stop it with `millrace stop`, then migrate' });
  const blocked = decided.filter((e) => e.action === 'blocked').map((e) => e.relative_path);
  if (blocked.length > 0) {
    throw new MillraceError('FAILED', `migration blocked: not a regular file: ${blocked.map((p) => `millrace-agents/${p}`).join(', ')}`, {
      hint: 'move each of these out of the way (it is in the place of a shipped file), then rerun `millrace migrate --apply`; nothing was changed',
    });
  }
  for (const entry of decided) {
    const target = join(paths.runtimeRoot, entry.relative_path);
    if (MOVES_ASIDE.has(entry.action)) {
      const destination = join(aside, entry.relative_path);
      await mkdir(dirname(destination), { recursive: true });
      await rename(target, destination);
    }
    if (WRITES_SHIPPED.has(entry.action)) {
      const bytes = await readFile(join(assetRoot, entry.relative_path)).catch((error: unknown) => {
        throw new MillraceError('FAILED', `candidate managed asset is missing: ${entry.relative_path}`, { file: entry.relative_path, cause: error });
      });
      await writeTextAtomic(target, bytes);
    }
  }
  const removed = await removeEmptiedFolders(paths.runtimeRoot, decided.filter((e) => MOVES_ASIDE.has(e.action)).map((e) => e.relative_path));
  await writeTextAtomic(paths.baselineManifest, renderBaselineManifest(candidate));
  const init = await initWorkspace({ workspaceRoot: paths.workspaceRoot, packageVersion: options.packageVersion, assetRoot, now });
  return { ...result, applied: true, result_manifest_id: candidate.manifest_id, created_files: init.created_files, removed_empty_folders: removed };
}

const ancestorsOf = (path: string): string[] => {
  const dirs: string[] = [];
  for (let dir = dirname(path); dir !== '.' && dir !== ''; dir = dirname(dir)) dirs.push(dir);
  return dirs;
};

/** The workspace layout `init` creates (and its parents): kept even when empty. */
const LAYOUT_FOLDERS = new Set(BOOTSTRAP_DIRECTORIES.flatMap((dir) => [dir, ...ancestorsOf(dir)]));

/**
 * The folders of moved-aside files that are now empty and not part of the layout `init` creates (e.g. the
 * reference's `entrypoints/learning`), removed deepest first. `rmdir` removes only an empty folder, so a folder still
 * holding anything (a file the operator added, a shipped asset) stays.
 */
async function removeEmptiedFolders(runtimeRoot: string, movedPaths: readonly string[]): Promise<string[]> {
  const candidates = new Set(movedPaths.flatMap(ancestorsOf).filter((dir) => !LAYOUT_FOLDERS.has(dir)));
  const removed: string[] = [];
  for (const dir of [...candidates].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b))) {
    try {
      await rmdir(join(runtimeRoot, dir));
      removed.push(posix(dir));
    } catch {
      // not empty (or already gone): it stays
    }
  }
  return removed.sort();
}
