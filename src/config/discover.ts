import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_MODULE_NAME = 'millrace';

/** cosmiconfig places checked in each directory, in this order (the first hit in the nearest directory wins). */
export const CONFIG_SEARCH_PLACES = [
  'package.json',
  '.millracerc',
  '.millracerc.json',
  '.millracerc.yaml',
  '.millracerc.yml',
  'millrace.config.js',
  'millrace.config.mjs',
  'millrace.config.cjs',
  'millrace.config.ts',
  'millrace.config.json',
  'millrace.config.yaml',
] as const;

/** The nearest directory at or above `start` that contains `.git` (a directory or a worktree file), if any. */
export function findRepoRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Directories searched for a cosmiconfig file: the workspace, then each parent up to the repo root (or the filesystem root). */
export function configSearchDirs(workspaceRoot: string): string[] {
  const start = resolve(workspaceRoot);
  const stop = findRepoRoot(start);
  const dirs: string[] = [];
  for (let dir = start; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dir === stop || dirname(dir) === dir) return dirs;
  }
}

export type FoundConfigFile = { filepath: string; config: unknown };

/**
 * Whether any of `dirs` could hold a config: a search place other than package.json exists, or a package.json
 * mentions the module name (cosmiconfig reads its `"millrace"` key). Conservative: a hit is still decided by
 * cosmiconfig; a miss skips loading and running it, which costs a command about 30 ms.
 */
function mayHoldConfig(dirs: readonly string[]): boolean {
  return dirs.some((dir) =>
    CONFIG_SEARCH_PLACES.some((place) => {
      const file = join(dir, place);
      if (place !== 'package.json') return existsSync(file);
      try {
        return readFileSync(file, 'utf8').includes(`"${CONFIG_MODULE_NAME}"`);
      } catch {
        return false;
      }
    }),
  );
}

/** The first cosmiconfig file found from the workspace upward, loaded with cosmiconfig's loaders (JSON, YAML, JS, TS). */
export async function findCosmiconfigFile(workspaceRoot: string): Promise<FoundConfigFile | undefined> {
  const dirs = configSearchDirs(workspaceRoot);
  if (!mayHoldConfig(dirs)) return undefined;
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig(CONFIG_MODULE_NAME, { searchPlaces: [...CONFIG_SEARCH_PLACES], searchStrategy: 'none', cache: false });
  for (const dir of dirs) {
    const result = await explorer.search(dir);
    if (result) return { filepath: result.filepath, config: result.isEmpty ? {} : result.config };
  }
  return undefined;
}
