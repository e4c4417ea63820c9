import { stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import * as z from '@millrace/plugin-api/zod';
import type { WorkspacePaths } from '../paths.js';
import { writeJsonFileAtomic } from '../state/atomic-write.js';
import { runDirPath } from '../state/run-dirs.js';
import { readStateFile } from '../state/state-file.js';
import { listQueueLocations, type ScanScope } from './scan.js';

/** The queue folders a planning stage writes new work into. */
export const PLANNING_OUTPUT_SCOPE: ScanScope = { task: ['queue'], spec: ['queue'], incident: ['incoming'] };

/** Each queue file's identity: inode, size and change times (any rewrite changes at least the ctime). */
export type QueueListing = ReadonlyMap<string, string>;

export async function takeQueueListing(paths: WorkspacePaths, scope: ScanScope = PLANNING_OUTPUT_SCOPE): Promise<QueueListing> {
  const listing = new Map<string, string>();
  for (const location of await listQueueLocations(paths, scope)) {
    const info = await stat(location.path, { bigint: true }).catch(() => null);
    if (info) listing.set(location.path, `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`);
  }
  return listing;
}

/** Files present in `after` that are new or changed since `before` (absolute paths, sorted). */
export function changedFiles(before: QueueListing, after: QueueListing): string[] {
  return [...after].filter(([path, key]) => before.get(path) !== key).map(([path]) => path).sort();
}

const StageWritesSchema = z.array(z.string().min(1));
const FILE = 'planning_documents_written.json';
const toPosix = (p: string) => p.split(sep).join('/');

/** Add the queue files a stage of `runId` wrote to the run's record (workspace-relative POSIX paths). */
export async function recordStageWrites(paths: WorkspacePaths, runId: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  const recorded = (await readStageWrites(paths, runId)) ?? [];
  const merged = [...new Set([...recorded, ...files.map((f) => toPosix(relative(paths.workspaceRoot, f)))])].sort();
  await writeJsonFileAtomic(join(runDirPath(paths, runId), FILE), merged);
}

/** Workspace-relative paths the run's planning stages wrote; null when none were recorded (or the record is unreadable). */
export async function readStageWrites(paths: WorkspacePaths, runId: string): Promise<string[] | null> {
  const read = readStateFile(join(runDirPath(paths, runId), FILE), paths.workspaceRoot);
  if (read.kind !== 'text') return null;
  const text = read.text;
  try {
    const parsed = StageWritesSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
