import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSET_ROOT } from '../../contracts/asset-root.js';
import { workspacePaths } from '../paths.js';
import { listAssetFiles } from './asset-files.js';
import { buildBaselineManifest, renderBaselineManifest } from './baseline-manifest.js';
import { BOOTSTRAP_DIRECTORIES, bootstrapFiles } from './bootstrap-files.js';
import { writeFileIfAbsent } from './file-writes.js';

export type InitWorkspaceOptions = {
  workspaceRoot: string;
  /** Version recorded as `seed_package_version` in a new baseline manifest. */
  packageVersion: string;
  /** Packaged assets to deploy; the installed package's by default (injectable for tests and upgrades). */
  assetRoot?: string;
  now?: Date;
};

/** `millrace init --json` result. Paths are runtime-root-relative. */
export type InitWorkspaceResult = {
  workspace: string;
  runtime_root: string;
  initialized: true;
  /** Default files written by this run (existing ones are never touched). */
  created_files: string[];
  /** Packaged assets copied by this run. */
  deployed_assets: string[];
  /** Packaged assets left alone because the workspace already has a file there. */
  kept_existing_assets: string[];
  manifest_written: boolean;
};

/**
 * Create or complete `<workspace>/millrace-agents/` (workspace.md §6.1). Idempotent: directories are created,
 * files and assets are only written where nothing exists, and the baseline manifest only when absent.
 */
export async function initWorkspace(options: InitWorkspaceOptions): Promise<InitWorkspaceResult> {
  const paths = workspacePaths(options.workspaceRoot);
  const assetRoot = options.assetRoot ?? ASSET_ROOT;
  for (const dir of BOOTSTRAP_DIRECTORIES) await mkdir(join(paths.runtimeRoot, dir), { recursive: true });

  const created_files: string[] = [];
  for (const file of bootstrapFiles(options.now ?? new Date())) {
    if (await writeFileIfAbsent(join(paths.runtimeRoot, file.path), file.content)) created_files.push(file.path);
  }

  const deployed_assets: string[] = [];
  const kept_existing_assets: string[] = [];
  for (const asset of await listAssetFiles(assetRoot)) {
    const created = await writeFileIfAbsent(join(paths.runtimeRoot, asset.relativePath), await readFile(asset.absolutePath));
    (created ? deployed_assets : kept_existing_assets).push(asset.relativePath);
  }

  const manifest = await buildBaselineManifest(assetRoot, options.packageVersion);
  const manifest_written = await writeFileIfAbsent(paths.baselineManifest, renderBaselineManifest(manifest));

  return { workspace: paths.workspaceRoot, runtime_root: paths.runtimeRoot, initialized: true, created_files, deployed_assets, kept_existing_assets, manifest_written };
}
