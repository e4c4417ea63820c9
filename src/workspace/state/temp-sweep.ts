import { readdirSync, statSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { writerTempPid } from '@millrace/plugin-api';
import type { WorkspacePaths } from '../paths.js';
import { folderNames } from '../queue/folder-names.js';

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
  const removed: string[] = [];
  const candidates: string[] = [];
  for (const root of [paths.state, paths.runs, paths.logs]) {
    // Typed entries: Node's recursive listing of names alone stats every entry.
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isFile() && writerTempPid(entry.name) !== null) candidates.push(join(entry.parentPath, entry.name));
  }
  for (const root of ['tasks', 'specs', 'incidents']) candidates.push(...queueTempCandidates(join(paths.runtimeRoot, root)));
  for (const path of candidates) {
    const pid = writerTempPid(basename(path));
    if (pid === null) continue;
    const info = await lstat(path).catch(() => null);
    if (!info?.isFile()) continue;
    if (pid === process.pid || (pidAlive(pid) && now.getTime() - info.mtimeMs < MAX_TEMP_AGE_MS)) continue;
    await rm(path, { force: true });
    removed.push(relative(paths.workspaceRoot, path));
  }
  return removed;
}

/**
 * The files under a queue root (`tasks/`, ...; recursively, never through a link) named like a writer's temp file,
 * as a recursive typed listing finds them (an unreadable root gives none). A folder without subfolders (link count 2:
 * ext4, xfs and tmpfs count a folder's subfolders in it; file systems that do not say 1) needs no entry types: its
 * names are read once per process and shared with the queue repair and the queue depths (folder-names.ts), so a
 * 10,000-document queue folder is not listed again with a type per entry. A name that is not a file is dropped by the
 * caller's lstat, as the typed listing would have dropped it.
 */
function queueTempCandidates(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string): void => {
    if (statSync(dir).nlink === 2) {
      for (const name of folderNames(dir)) if (writerTempPid(name) !== null) out.push(join(dir, name));
      return;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) visit(join(dir, entry.name));
      else if (entry.isFile() && writerTempPid(entry.name) !== null) out.push(join(dir, entry.name));
    }
  };
  try {
    visit(root);
  } catch {
    return [];
  }
  return out;
}
