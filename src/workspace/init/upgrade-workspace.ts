import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { MillraceError } from '../../errors/index.js';
import { UPGRADE_DISPOSITIONS, type UpgradeDisposition } from '../../contracts/baseline-manifest.js';
import { ASSET_ROOT } from '../../contracts/asset-root.js';
import { requireInitializedWorkspace } from '../initialized.js';
import { hashFileIfPresent } from './asset-files.js';
import { buildBaselineManifest, readBaselineManifest, renderBaselineManifest } from './baseline-manifest.js';
import { writeTextAtomic } from '../state/atomic-write.js';
import { decideUpgradeEntries, invalidLocalizePaths, type CurrentState, type UpgradeEntry } from './upgrade-dispositions.js';

export type UpgradeWorkspaceOptions = {
  workspaceRoot: string;
  packageVersion: string;
  apply: boolean;
  /** Runtime-root-relative paths the package removed that the operator keeps as unmanaged local files. */
  localizeRemoved?: string[];
  /** A file listing more such paths, one per line (blank lines and `#` comments ignored). */
  localizeRemovedFrom?: string;
  assetRoot?: string;
};

/** `millrace upgrade --json` result (workspace.md §7.4). */
export type UpgradeWorkspaceResult = {
  applied: boolean;
  baseline_manifest_id: string;
  candidate_manifest_id: string;
  /** Set only after a successful apply: the id of the manifest now on disk. */
  result_manifest_id: string | null;
  counts: Record<UpgradeDisposition, number>;
  entries: Array<{ relative_path: string; disposition: UpgradeDisposition }>;
  /** Paths written by an apply (safe package updates and restored missing files). */
  written: string[];
};

/**
 * Preview (default) or apply packaged-asset updates. Conflicts refuse the apply and nothing is written;
 * only `safe_package_update` and `missing` paths are (re)written, then the manifest is rebuilt from the candidate.
 */
export async function upgradeWorkspace(options: UpgradeWorkspaceOptions): Promise<UpgradeWorkspaceResult> {
  const paths = requireInitializedWorkspace(options.workspaceRoot);
  const fromFile = options.localizeRemovedFrom ? await readLocalizeList(options.localizeRemovedFrom) : [];
  const localize = normalizeLocalizePaths([...(options.localizeRemoved ?? []), ...fromFile]);
  const assetRoot = options.assetRoot ?? ASSET_ROOT;
  const original = await readBaselineManifest(paths.baselineManifest, 'millrace-agents/state/baseline_manifest.json', paths.workspaceRoot);
  const candidate = await buildBaselineManifest(assetRoot, options.packageVersion);

  const invalid = invalidLocalizePaths(original, candidate, localize);
  if (invalid.length > 0) {
    throw new MillraceError('INPUT_INVALID', `localize-removed path is not a removed managed asset: ${invalid.join(', ')}`, { field: 'localize-removed' });
  }

  const current = new Map<string, CurrentState>();
  for (const path of new Set([...original.entries, ...candidate.entries].map((e) => e.relative_path))) {
    const hash = await hashFileIfPresent(join(paths.runtimeRoot, path));
    current.set(path, hash ?? 'absent');
  }
  const entries = decideUpgradeEntries(original, candidate, current, localize);
  const result: UpgradeWorkspaceResult = {
    applied: false,
    baseline_manifest_id: original.manifest_id,
    candidate_manifest_id: candidate.manifest_id,
    result_manifest_id: null,
    counts: countDispositions(entries),
    entries: entries.map((e) => ({ relative_path: e.relative_path, disposition: e.disposition })),
    written: [],
  };
  if (!options.apply) return result;

  const conflicts = entries.filter((e) => e.disposition === 'conflict').map((e) => e.relative_path);
  if (conflicts.length > 0) {
    throw new MillraceError('FAILED', `upgrade conflict(s) detected: ${conflicts.join(', ')}`, {
      hint: 'resolve each path (restore the packaged file, move your copy aside, or pass --localize-removed for removed assets), then rerun `millrace upgrade --apply`; or run `millrace migrate --apply`, which moves every such file aside and installs the shipped assets (a workspace the Python reference created is migrated this way)',
    });
  }
  for (const entry of entries.filter((e) => e.disposition === 'safe_package_update' || e.disposition === 'missing')) {
    const bytes = await readFile(join(assetRoot, entry.relative_path)).catch((error: unknown) => {
      throw new MillraceError('FAILED', `candidate managed asset is missing: ${entry.relative_path}`, { file: entry.relative_path, cause: error });
    });
    await writeTextAtomic(join(paths.runtimeRoot, entry.relative_path), bytes);
    result.written.push(entry.relative_path);
  }
  await writeTextAtomic(paths.baselineManifest, renderBaselineManifest(candidate));
  return { ...result, applied: true, result_manifest_id: candidate.manifest_id };
}

async function readLocalizeList(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new MillraceError('FAILED', `${file}: cannot read: ${error.message}`, { file, field: 'localize-removed-from', cause: error });
  });
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function normalizeLocalizePaths(values: string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of values) {
    const value = raw.trim();
    if (!value) continue;
    if (isAbsolute(value) || value.split(/[\\/]/).includes('..')) {
      throw new MillraceError('INPUT_INVALID', `localize-removed path must be runtime-root-relative: ${value}`, { field: 'localize-removed' });
    }
    out.add(value.split('\\').join('/'));
  }
  return out;
}

function countDispositions(entries: ReadonlyArray<UpgradeEntry>): Record<UpgradeDisposition, number> {
  const counts = Object.fromEntries(UPGRADE_DISPOSITIONS.map((d) => [d, 0])) as Record<UpgradeDisposition, number>;
  for (const e of entries) counts[e.disposition] += 1;
  return counts;
}
