import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ASSET_FAMILIES, type AssetFamily } from '../../contracts/baseline-manifest.js';

export type AssetFile = {
  /** Runtime-root-relative POSIX path: `<family>/<path within family>`. */
  relativePath: string;
  family: AssetFamily;
  absolutePath: string;
};

/** Deployment skip rule (workspace.md §4.1): hidden segments, `__pycache__`, compiled Python. */
export function isSkippedAssetPath(relativePath: string): boolean {
  const segments = relativePath.split('/');
  if (segments.some((s) => s.startsWith('.') || s === '__pycache__')) return true;
  return relativePath.endsWith('.pyc') || relativePath.endsWith('.pyo');
}

/** Every deployable regular file under `<assetRoot>/<family>/`, families in order, paths sorted; missing families are skipped. */
export async function listAssetFiles(assetRoot: string): Promise<AssetFile[]> {
  const files: AssetFile[] = [];
  for (const family of ASSET_FAMILIES) {
    const base = join(assetRoot, family);
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw error;
    });
    const found = entries
      .filter((e) => e.isFile())
      .map((e) => {
        const absolutePath = join(e.parentPath ?? (e as { path: string }).path, e.name);
        const within = absolutePath.slice(base.length + 1).split(/[\\/]/).join('/');
        return { relativePath: `${family}/${within}`, family, absolutePath };
      })
      .filter((f) => !isSkippedAssetPath(f.relativePath));
    files.push(...found.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0)));
  }
  return files;
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a regular file; undefined when absent; `not_a_file` when a directory is in the way. */
export async function hashFileIfPresent(path: string): Promise<string | undefined | 'not_a_file'> {
  try {
    return sha256(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') return 'not_a_file';
    throw error;
  }
}
