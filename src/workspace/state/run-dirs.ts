import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { StageResultEnvelope } from '../../contracts/runtime-state.js';
import type { WorkspacePaths } from '../paths.js';
import { writeJsonFileAtomic } from './atomic-write.js';

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

/** Every regular file below a directory (absolute paths); missing dir = empty. */
export async function listFilesRecursive(dir: string): Promise<Set<string>> {
  const out = new Set<string>();
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
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

/** Raw text of every `stage_results/*.json` of a run, sorted by file name; null when the run dir is missing. */
export async function readStageResultFiles(paths: WorkspacePaths, runId: string): Promise<Array<{ name: string; text: string }> | null> {
  const dir = runDirPath(paths, runId);
  const top = await readdir(dir).catch(() => null);
  if (top === null) return null;
  const names = (await readdir(join(dir, 'stage_results')).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const files: Array<{ name: string; text: string }> = [];
  for (const name of names) files.push({ name, text: await readFile(join(dir, 'stage_results', name), 'utf8').catch(() => '') });
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
  const handle = await open(join(runDirPath(paths, runId), ...name.split('/')), 'r');
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    await handle.read(buffer, 0, buffer.length, start);
    return { text: buffer.toString('utf8'), size, truncated: start > 0 };
  } finally {
    await handle.close();
  }
}

/** Bytes of a run file from `offset` on (at most `maxBytes`), and the file's size; null when the file is missing. */
export async function readRunFileFrom(paths: WorkspacePaths, runId: string, name: string, offset: number, maxBytes: number): Promise<{ bytes: Buffer; size: number } | null> {
  const handle = await open(join(runDirPath(paths, runId), ...name.split('/')), 'r').catch(() => null);
  if (handle === null) return null;
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - offset, maxBytes));
    const bytes = Buffer.alloc(length);
    if (length > 0) await handle.read(bytes, 0, length, offset);
    return { bytes, size };
  } finally {
    await handle.close();
  }
}
