import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folders under the runtime root whose files a compiled plan may reference. */
export const PLAN_ASSET_DIRS = ['entrypoints', 'skills'] as const;

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * sha256 of every regular file under `entrypoints/` and `skills/`, keyed by runtime-root-relative `/`-separated path.
 * Synchronous reads: a few dozen small files, where a thread-pool round trip per open/stat/read/close cost `compile
 * validate` about 10 ms more CPU than reading them in place. A file that vanishes between listing and reading is left
 * out, as an unreadable one is.
 */
export function hashRuntimeAssets(runtimeRoot: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const dir of PLAN_ASSET_DIRS) {
    for (const file of listFiles(join(runtimeRoot, dir)).sort()) {
      const data = readOrUndefined(file);
      if (data) hashes.set(relative(runtimeRoot, file).split(sep).join('/'), sha256(data));
    }
  }
  return hashes;
}

/** sha256 of the given runtime-root-relative files as they are now; absent or unreadable files are left out. */
export function hashRuntimeFiles(runtimeRoot: string, paths: readonly string[]): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const path of paths) {
    const data = readOrUndefined(join(runtimeRoot, ...path.split('/')));
    if (data) hashes.set(path, sha256(data));
  }
  return hashes;
}
