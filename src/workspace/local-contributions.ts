import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { LocalContributionFile, LocalContributionProblem } from '../contracts/local-contributions.js';
import type { WorkspacePaths } from './paths.js';

export type { LocalContributionFile, LocalContributionProblem } from '../contracts/local-contributions.js';

async function jsonFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => join(e.parentPath, e.name)).sort();
}

/** Workspace-local modes (`modes/**\/*.json`) and graph loops (`graphs/**\/*.json`), parsed as JSON, files sorted. */
export async function readLocalContributionFiles(paths: Pick<WorkspacePaths, 'workspaceRoot' | 'modes' | 'graphs'>): Promise<{ files: LocalContributionFile[]; problems: LocalContributionProblem[] }> {
  const files: LocalContributionFile[] = [];
  const problems: LocalContributionProblem[] = [];
  for (const [kind, dir] of [['mode', paths.modes], ['loop', paths.graphs]] as const) {
    for (const absolute of await jsonFiles(dir)) {
      const file = relative(paths.workspaceRoot, absolute).split(sep).join('/');
      try {
        files.push({ kind, file, data: JSON.parse(await readFile(absolute, 'utf8')) as unknown });
      } catch (error) {
        problems.push({ file, message: error instanceof SyntaxError ? `invalid JSON (${error.message})` : `cannot be read (${String(error)})` });
      }
    }
  }
  return { files, problems };
}
