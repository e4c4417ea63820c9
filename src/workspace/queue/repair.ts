import { link, lstat, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { QueueMoveIntentSchema, type QueueMoveIntent } from '../../contracts/queue-move.js';
import { writerTempPid } from '@millrace/plugin-api';
import type { WorkspacePaths } from '../paths.js';
import { readBoundedBytesSync } from '../bounded-read.js';
import { readStateFile } from '../state/state-file.js';
import { isErrno } from './exclusive-file.js';
import { KIND_STATES, LIFECYCLE_RANK, displayPath, moveIntentDir, stateDir } from './layout.js';
import { sha256 } from './move.js';
import { findDuplicateIdsInFolders, type FolderIds } from './folder-listing.js';
import { folderNames } from './folder-names.js';
import type { QueueLocation } from './scan.js';
import { listJsonNames } from '../folder-entries.js';

export type RepairAction =
  | { action: 'move_completed'; kind: string; id: string; path: string }
  | { action: 'move_undone'; kind: string; id: string; path: string }
  | { action: 'identical_copy_removed'; kind: string; id: string; path: string; kept: string }
  | { action: 'differing_copy_set_aside'; kind: string; id: string; path: string; renamed_to: string; kept: string }
  | { action: 'intent_unreadable'; path: string; error: string }
  | { action: 'stale_temp_removed'; path: string };

export type RepairReport = { actions: RepairAction[] };

export type RepairOptions = {
  /** Temp files (`.<name>.<pid>-<n>.tmp`) older than this are leftovers of a killed write and are removed. Default 60 s. */
  staleTempMs?: number;
  now?: Date;
};


/** A document's bytes through the bounded reader (never blocks, never loads more than a document may hold). */
async function readBytes(path: string): Promise<Buffer | undefined> {
  return readBoundedBytesSync(path, 'work document', { code: 'WORKSPACE_STATE_INVALID' })?.bytes;
}

/** Finish or undo one interrupted move, deciding by whether the destination holds the intended content. */
async function resolveIntent(paths: WorkspacePaths, intent: QueueMoveIntent, intentPath: string): Promise<RepairAction> {
  const destination = await readBytes(intent.destination);
  const base = { kind: intent.kind, id: intent.id };
  let action: RepairAction;
  if (destination !== undefined && sha256(destination) === intent.destination_sha256) {
    await rm(intent.source, { force: true });
    action = { action: 'move_completed', ...base, path: displayPath(paths, intent.destination) };
  } else {
    const source = await readBytes(intent.source);
    if (source === undefined && destination === undefined && intent.temp && (await readBytes(intent.temp)) !== undefined) {
      // Only reachable if something else removed the source mid-move: the temp copy is the last one left.
      await link(intent.temp, intent.destination);
      action = { action: 'move_completed', ...base, path: displayPath(paths, intent.destination) };
    } else {
      action = { action: 'move_undone', ...base, path: displayPath(paths, intent.source) };
    }
  }
  if (intent.temp) await rm(intent.temp, { force: true });
  await rm(intentPath, { force: true });
  return action;
}

async function freeName(path: string, suffix: string): Promise<string> {
  for (let n = 0; ; n += 1) {
    const candidate = n === 0 ? `${path}${suffix}` : `${path}${suffix}.${n}`;
    if ((await readBytes(candidate)) === undefined) return candidate;
  }
}

/**
 * Leave each document in exactly one folder of its kind, losing nothing (run at runtime startup, under the lock):
 * 1. every recorded move intent is completed when its destination holds the intended content, undone otherwise;
 * 2. an id still found in several folders keeps the copy in the latest lifecycle folder
 *    (queue/incoming < active < blocked < done/resolved); other copies are removed only when byte-identical,
 *    and otherwise renamed to `<id>.md.duplicate` (no longer `*.md`, so out of the queue) for the operator.
 */
export async function repairQueue(paths: WorkspacePaths, options: RepairOptions = {}): Promise<RepairReport> {
  const actions: RepairAction[] = [];
  const dir = moveIntentDir(paths);
  const names = listJsonNames(dir, { throwUnlessMissing: true });
  for (const name of names) {
    const intentPath = join(dir, name);
    const read = readStateFile(intentPath, paths.workspaceRoot);
    if (read.kind === 'absent') continue;
    if (read.kind === 'refused') {
      actions.push({ action: 'intent_unreadable', path: displayPath(paths, intentPath), error: read.reason });
      continue;
    }
    let intent: QueueMoveIntent;
    try {
      intent = QueueMoveIntentSchema.parse(JSON.parse(read.text));
    } catch (error) {
      actions.push({ action: 'intent_unreadable', path: displayPath(paths, intentPath), error: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
      continue;
    }
    actions.push(await resolveIntent(paths, intent, intentPath));
  }
  const folders = await readQueueFolders(paths);
  for (const duplicate of findDuplicateIdsInFolders(folders)) {
    // Listed by name: only an id found in several folders is checked to be a regular file in each.
    const files = await regularFilesOnly(duplicate.locations);
    if (files.length < 2) continue;
    const ordered = [...files].sort((a, b) => LIFECYCLE_RANK[b.state] - LIFECYCLE_RANK[a.state]);
    const kept = ordered[0]!;
    const keptBytes = await readBytes(kept.path);
    for (const other of ordered.slice(1)) actions.push(await setAside(paths, kept, keptBytes, other));
  }
  const intentTemps = (await readdir(dir).catch((error: unknown) => (isErrno(error, 'ENOENT') ? [] : Promise.reject(error)))).filter((n: string) => writerTempPid(n) !== null);
  const temps = [...intentTemps.map((name: string) => join(dir, name)), ...folders.flatMap((f) => f.temps)];
  actions.push(...(await sweepStaleTemps(paths, temps, options)));
  return { actions };
}

type QueueFolderNames = FolderIds & { temps: string[] };

/**
 * One names-only read per queue folder (a 10,000-document folder is not read with types): the ids of its `*.md`
 * names (sorted, as a typed listing gives them) and its writers' temp files. A missing folder has none.
 */
async function readQueueFolders(paths: WorkspacePaths): Promise<QueueFolderNames[]> {
  return Promise.all(
    Object.entries(KIND_STATES).flatMap(([kind, states]) =>
      states.map(async (state): Promise<QueueFolderNames> => {
        const dir = stateDir(paths, kind as keyof typeof KIND_STATES, state);
        const folder = { kind: kind as QueueLocation['kind'], state, dir };
        // Shared with the queue depths counted next (folder-names.ts): one read of a big queue folder per start.
        const names = folderNames(dir);
        const ids = names
          .filter((n) => n.endsWith('.md'))
          .sort()
          .map((name) => name.slice(0, -3));
        return { ...folder, ids, temps: names.filter((n) => writerTempPid(n) !== null).map((name) => join(dir, name)) };
      }),
    ),
  );
}

/** The locations that are regular files (not a folder or link named `*.md`), as a typed listing would have kept. */
async function regularFilesOnly(locations: readonly QueueLocation[]): Promise<QueueLocation[]> {
  const checked = await Promise.all(locations.map(async (l) => ((await lstat(l.path).catch(() => null))?.isFile() ? l : null)));
  return checked.filter((l): l is QueueLocation => l !== null);
}

/** Temp files never match `*.md`, so they are invisible to the queue; only old ones are removed (a live writer may own a new one). */
async function sweepStaleTemps(paths: WorkspacePaths, temps: readonly string[], options: RepairOptions): Promise<RepairAction[]> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.staleTempMs ?? 60_000);
  const actions: RepairAction[] = [];
  for (const path of temps) {
    try {
      if ((await stat(path)).mtimeMs > cutoff) continue;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue;
      throw error;
    }
    await rm(path, { force: true });
    actions.push({ action: 'stale_temp_removed', path: displayPath(paths, path) });
  }
  return actions;
}

async function setAside(paths: WorkspacePaths, kept: QueueLocation, keptBytes: Buffer | undefined, other: QueueLocation): Promise<RepairAction> {
  const base = { kind: other.kind, id: other.id, kept: displayPath(paths, kept.path) };
  const bytes = await readBytes(other.path);
  if (bytes !== undefined && keptBytes !== undefined && bytes.equals(keptBytes)) {
    await rm(other.path, { force: true });
    return { action: 'identical_copy_removed', ...base, path: displayPath(paths, other.path) };
  }
  const target = await freeName(other.path, '.duplicate');
  await rename(other.path, target);
  return { action: 'differing_copy_set_aside', ...base, path: displayPath(paths, other.path), renamed_to: displayPath(paths, target) };
}
