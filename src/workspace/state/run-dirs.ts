import { mkdirSync, readdirSync, type Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { WorkspacePaths } from '../paths.js';
import { openRegularFile, readTailTextSync } from '../bounded-read.js';
import { writeJsonFileAtomic } from './atomic-write.js';
import { readStateFile } from './state-file.js';
import { listJsonNames } from '../folder-entries.js';

export const runDirPath = (paths: WorkspacePaths, runId: string) => join(paths.runs, runId);
export const stageResultPath = (paths: WorkspacePaths, runId: string, requestId: string) => join(paths.runs, runId, 'stage_results', `${requestId}.json`);

export async function ensureRunDir(paths: WorkspacePaths, runId: string): Promise<string> {
  const dir = runDirPath(paths, runId);
  mkdirSync(join(dir, 'stage_results'), { recursive: true });
  return dir;
}

export async function writeStageResult(paths: WorkspacePaths, requestId: string, result: StageResultEnvelope): Promise<string> {
  const path = stageResultPath(paths, result.run_id, requestId);
  await writeJsonFileAtomic(path, result);
  return path;
}

/** Every regular file below a directory (absolute paths); missing dir = empty. One synchronous listing: a run dir is small. */
export async function listFilesRecursive(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    // missing or unreadable: no files
  }
  for (const entry of entries) if (entry.isFile()) out.add(join(entry.parentPath, entry.name));
  return out;
}

export async function listRunIds(paths: WorkspacePaths): Promise<string[]> {
  const entries = await readdir(paths.runs, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Every run directory with its last modification time (the start of a run that has no stage result yet), by name. */
export async function listRunDirs(paths: WorkspacePaths): Promise<Array<{ run_id: string; modified_at: string }>> {
  const ids = await listRunIds(paths);
  const dirs = await Promise.all(ids.map(async (id) => ({ run_id: id, mtime: await stat(runDirPath(paths, id)).then((s) => s.mtime, () => null) })));
  return dirs.filter((d) => d.mtime !== null).map((d) => ({ run_id: d.run_id, modified_at: d.mtime!.toISOString() }));
}

/**
 * Raw text of every `stage_results/*.json` of a run, sorted by file name; null when the run dir is missing. A file the
 * bounded reader refuses (over the stage result limit, not a regular file, a link out of the workspace) has empty
 * text and the reason in `refused`.
 */
export async function readStageResultFiles(paths: WorkspacePaths, runId: string): Promise<Array<{ name: string; text: string; refused?: string }> | null> {
  const dir = runDirPath(paths, runId);
  const top = await readdir(dir).catch(() => null);
  if (top === null) return null;
  const names = listJsonNames(join(dir, 'stage_results'));
  const files: Array<{ name: string; text: string; refused?: string }> = [];
  for (const name of names) {
    const read = readStateFile(join(dir, 'stage_results', name), paths.workspaceRoot, 'stage result');
    if (read.kind === 'text') files.push({ name, text: read.text });
    else if (read.kind === 'refused') files.push({ name, text: '', refused: read.reason });
  }
  return files;
}

/** Files of one run directory, relative to it with `/` separators and sorted; null when the run does not exist. */
export async function listRunFiles(paths: WorkspacePaths, runId: string): Promise<string[] | null> {
  const dir = runDirPath(paths, runId);
  const top = await readdir(dir).catch(() => null);
  if (top === null) return null;
  return [...(await listFilesRecursive(dir))].map((f) => relative(dir, f).split(sep).join('/')).sort();
}

/** The last `maxBytes` of a file of a run directory that `listRunFiles` lists (the caller checks membership). */
export async function readRunFileTail(paths: WorkspacePaths, runId: string, name: string, maxBytes: number): Promise<{ text: string; size: number; truncated: boolean }> {
  const path = join(runDirPath(paths, runId), ...name.split('/'));
  // Never blocks on a FIFO swapped in after the listing, never follows a link out of the workspace.
  const tail = readTailTextSync(path, maxBytes, { withinRoot: paths.workspaceRoot, code: 'NOT_FOUND' });
  if (tail === undefined) throw new Error(`${name}: no longer exists`);
  return { text: tail.text, size: tail.omittedBytes + Buffer.byteLength(tail.text), truncated: tail.omittedBytes > 0 };
}

/** Bytes of a run file from `offset` on (at most `maxBytes`), and the file's size; null when the file is missing. */
export async function readRunFileFrom(paths: WorkspacePaths, runId: string, name: string, offset: number, maxBytes: number): Promise<{ bytes: Buffer; size: number } | null> {
  // No links and no blocking: an agent can leave a FIFO or a symbolic link in its run dir, and following output
  // must neither hang on the one nor read outside the run dir through the other.
  const opened = await openRegularFile(join(runDirPath(paths, runId), ...name.split('/')), { noFollow: true });
  if (!opened) return null;
  const { handle, stat: { size } } = opened;
  try {
    const length = Math.max(0, Math.min(size - offset, maxBytes));
    const bytes = Buffer.alloc(length);
    if (length > 0) await handle.read(bytes, 0, length, offset);
    return { bytes, size };
  } finally {
    await handle.close();
  }
}
