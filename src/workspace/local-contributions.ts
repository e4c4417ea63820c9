import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { LocalContributionFile, LocalContributionProblem } from '../contracts/local-contributions.js';
import { MillraceError } from '../errors/index.js';
import { readBoundedTextOrRefuse, refusalDetail } from './bounded-read.js';
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
        // Config-like input: the config file limits (1 MiB, never blocking, a link only inside the workspace).
        const text = readBoundedTextOrRefuse(absolute, 'config file', { display: file, withinRoot: paths.workspaceRoot });
        files.push({ kind, file, data: JSON.parse(text) as unknown });
      } catch (error) {
        const message = error instanceof SyntaxError ? `invalid JSON (${error.message})` : error instanceof MillraceError ? refusalDetail(error) : `cannot be read (${String(error)})`;
        problems.push({ file, message });
      }
    }
  }
  return { files, problems };
}
