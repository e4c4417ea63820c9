import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MAX_NESTING_DEPTH, textNestingTooDeep } from '../contracts/input-limits.js';
import { fileRefusal, readBoundedTextSync } from '../workspace/bounded-read.js';

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

export type FoundConfigFile = { filepath: string; config: unknown; /** the file's text; undefined for a JS/TS config */ text: string | undefined };

const isCodeConfig = (place: string): boolean => /\.(?:js|mjs|cjs|ts)$/.test(place);

/**
 * Read (bounded) the config candidates cosmiconfig would read, in its order, up to the first directory holding one:
 * a file over the config size limit, not a regular file, or nesting too deeply is refused before cosmiconfig loads
 * it. A package.json counts only when it mentions the module name. Returns the texts read, by path; `found` is false
 * when no directory holds a config (then cosmiconfig need not run, which saves a command about 30 ms).
 */
function preflightConfigFiles(dirs: readonly string[], display: (file: string) => string): { found: boolean; texts: Map<string, string> } {
  const texts = new Map<string, string>();
  for (const dir of dirs) {
    let found = false;
    for (const place of CONFIG_SEARCH_PLACES) {
      const file = join(dir, place);
      if (isCodeConfig(place)) {
        found ||= existsSync(file);
        continue;
      }
      const text = readBoundedTextSync(file, 'config file', { display: display(file), code: 'CONFIG_INVALID' })?.text;
      if (text === undefined) continue;
      if (place === 'package.json' && !text.includes(`"${CONFIG_MODULE_NAME}"`)) continue;
      if (textNestingTooDeep(text)) throw fileRefusal(display(file), `nests deeper than the limit of ${MAX_NESTING_DEPTH} levels`, 'CONFIG_INVALID');
      texts.set(file, text);
      found = true;
    }
    if (found) return { found, texts };
  }
  return { found: false, texts };
}

/**
 * The first cosmiconfig file found from the workspace upward, loaded with cosmiconfig's loaders (JSON, YAML, JS, TS)
 * after a bounded preflight read of every candidate.
 */
export async function findCosmiconfigFile(workspaceRoot: string, display: (file: string) => string = (file) => file): Promise<FoundConfigFile | undefined> {
  const dirs = configSearchDirs(workspaceRoot);
  const preflight = preflightConfigFiles(dirs, display);
  if (!preflight.found) return undefined;
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig(CONFIG_MODULE_NAME, { searchPlaces: [...CONFIG_SEARCH_PLACES], searchStrategy: 'none', cache: false });
  for (const dir of dirs) {
    const result = await explorer.search(dir);
    if (result) return { filepath: result.filepath, config: result.isEmpty ? {} : result.config, text: preflight.texts.get(result.filepath) };
  }
  return undefined;
}
