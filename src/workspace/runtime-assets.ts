import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Folders under the runtime root whose files a compiled plan may reference. */
export const PLAN_ASSET_DIRS = ['entrypoints', 'skills'] as const;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** sha256 of every regular file under `entrypoints/` and `skills/`, keyed by runtime-root-relative `/`-separated path. */
export async function hashRuntimeAssets(runtimeRoot: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const dir of PLAN_ASSET_DIRS) {
    for (const file of (await listFiles(join(runtimeRoot, dir))).sort()) {
      hashes.set(relative(runtimeRoot, file).split(sep).join('/'), sha256(await readFile(file)));
    }
  }
  return hashes;
}

/** sha256 of the given runtime-root-relative files as they are now; absent or unreadable files are left out. */
export async function hashRuntimeFiles(runtimeRoot: string, paths: readonly string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const path of paths) {
    const data = await readFile(join(runtimeRoot, ...path.split('/'))).catch(() => undefined);
    if (data) hashes.set(path, sha256(data));
  }
  return hashes;
}
