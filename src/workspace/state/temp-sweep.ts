import { lstat, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writerTempPid } from '@millrace/plugin-api';
import type { WorkspacePaths } from '../paths.js';

/** Older than this, a temp file is a leftover even if its pid is alive again (pids are reused). */
const MAX_TEMP_AGE_MS = 60 * 60 * 1000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the temp files our writers left behind when they were killed or failed (`.<name>.<pid>-<n>.tmp`, see
 * `tempPathFor`) under `state/`, `runs/`, `logs/` and the queue folders. A file whose writer is still alive and
 * recent is kept: it may be a live command's write in progress. Never follows a symlink. Returns the removed paths
 * (workspace-relative).
 */
export async function sweepStaleTemps(paths: WorkspacePaths, now: Date = new Date()): Promise<string[]> {
  const roots = [paths.state, paths.runs, paths.logs, ...['tasks', 'specs', 'incidents'].map((d) => join(paths.runtimeRoot, d))];
  const removed: string[] = [];
  for (const root of roots) {
    // Typed entries: Node's recursive listing of names alone stats every entry (10,000 stats for a big queue folder).
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const pid = writerTempPid(entry.name);
      if (pid === null || !entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const info = await lstat(path).catch(() => null);
      if (!info?.isFile()) continue;
      if (pid === process.pid || (pidAlive(pid) && now.getTime() - info.mtimeMs < MAX_TEMP_AGE_MS)) continue;
      await rm(path, { force: true });
      removed.push(relative(paths.workspaceRoot, path));
    }
  }
  return removed;
}
