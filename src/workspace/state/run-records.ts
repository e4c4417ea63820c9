import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RunOwnerFieldsSchema, type RunOwner, type RunRecord } from '../../contracts/retention.js';
import type { WorkspacePaths } from '../paths.js';
import { listRunIds, runDirPath } from './run-dirs.js';
import { readStateFile } from './state-file.js';
import { listJsonNames } from '../folder-entries.js';

/** Owner and time of one run from its stage results; a result that cannot be read or parsed is passed over. */
async function readRunRecord(paths: WorkspacePaths, runId: string): Promise<RunRecord | null> {
  const dir = runDirPath(paths, runId);
  const stats = await lstat(dir).catch(() => null);
  if (!stats?.isDirectory()) return null;
  const names = listJsonNames(join(dir, 'stage_results'));
  let owner: RunOwner = { kind: 'unknown' };
  let atMs = stats.mtimeMs;
  let latest = -Infinity;
  for (const name of names) {
    const read = readStateFile(join(dir, 'stage_results', name), paths.workspaceRoot, 'stage result');
    if (read.kind !== 'text') continue;
    let json: unknown;
    try {
      json = JSON.parse(read.text);
    } catch {
      continue;
    }
    const parsed = RunOwnerFieldsSchema.safeParse(json);
    if (!parsed.success) continue;
    const r = parsed.data;
    const when = Date.parse(r.completed_at ?? r.started_at ?? '');
    if (!Number.isFinite(when) || when < latest) continue;
    latest = when;
    atMs = when;
    // An Arbiter run names its closure target (and the root spec as its work item): the target owns it.
    if (r.metadata.closure_target_root_spec_id !== null) owner = { kind: 'closure_target', root_spec_id: r.metadata.closure_target_root_spec_id };
    else if (r.work_item_kind !== null && r.work_item_id !== null) owner = { kind: 'item', work_item_kind: r.work_item_kind, work_item_id: r.work_item_id };
  }
  return { run_id: runId, owner, at_ms: atMs };
}

/** Every run directory under `runs/` with its owner (from its stage results) and when it last ran, by run id. */
export async function readRunRecords(paths: WorkspacePaths): Promise<RunRecord[]> {
  const records: RunRecord[] = [];
  for (const id of await listRunIds(paths)) {
    const record = await readRunRecord(paths, id);
    if (record) records.push(record);
  }
  return records;
}

/** Remove one run directory and everything in it (a symbolic link is removed, never followed). */
export async function removeRunDir(paths: WorkspacePaths, runId: string): Promise<void> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId)) throw new Error(`not a run id: ${runId}`);
  await rm(runDirPath(paths, runId), { recursive: true, force: true });
}
