import { link, open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DaemonLockSchema, type DaemonLock, type LockInspection } from '../../contracts/runtime-state.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Lock state (control-and-inspection.md §5). Unlike the reference, staleness is judged only for locks written on
 * this host: a lock from another host is reported `active`, since its pid means nothing here.
 */
export async function inspectLock(paths: WorkspacePaths): Promise<LockInspection> {
  let text: string;
  try {
    text = await readFile(paths.lock, 'utf8');
  } catch {
    return { state: 'absent', detail: 'runtime ownership lock is absent', record: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', detail: `invalid runtime ownership lock payload: ${(error as Error).message}`, record: null };
  }
  const parsed = DaemonLockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { state: 'invalid', detail: `invalid runtime ownership lock payload: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, record: null };
  }
  const record = parsed.data;
  if (record.workspace_root !== paths.workspaceRoot) {
    return { state: 'invalid', detail: `runtime ownership lock references a different workspace root (${record.workspace_root})`, record };
  }
  if (record.owner_hostname !== hostname() || pidAlive(record.owner_pid)) {
    return { state: 'active', detail: `workspace runtime ownership lock is active: pid=${record.owner_pid} host=${record.owner_hostname} session=${record.owner_session_id}`, record };
  }
  return { state: 'stale', detail: `workspace runtime ownership lock is stale: pid=${record.owner_pid} is not running (session=${record.owner_session_id})`, record };
}

export type LockAcquisition = { record: DaemonLock; takenOver: LockInspection | null };

/** Exclusive and atomic: the record is written to a temp file, then hard-linked into place (fails if the lock exists). */
async function createExclusive(paths: WorkspacePaths, record: DaemonLock): Promise<boolean> {
  const tmp = `${paths.lock}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, paths.lock);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/**
 * Take the ownership lock or fail fast. A stale lock of a dead process on this host is taken over (and reported
 * through `takenOver`) so a crashed daemon can be restarted; an active or invalid lock is refused.
 */
export async function acquireLock(paths: WorkspacePaths, now: Date): Promise<LockAcquisition> {
  const record: DaemonLock = {
    workspace_root: paths.workspaceRoot,
    owner_pid: process.pid,
    owner_hostname: hostname(),
    owner_session_id: randomBytes(16).toString('hex'),
    acquired_at: now.toISOString(),
  };
  if (await createExclusive(paths, record)) return { record, takenOver: null };
  const current = await inspectLock(paths);
  if (current.state === 'stale' && current.record) {
    // Only remove the exact stale record we inspected; a concurrent contender that replaced it wins.
    const again = await inspectLock(paths);
    if (again.state === 'stale' && again.record?.owner_session_id === current.record.owner_session_id) {
      await unlink(paths.lock).catch(() => undefined);
      if (await createExclusive(paths, record)) return { record, takenOver: current };
    }
    return refuse(await inspectLock(paths));
  }
  return refuse(current);
}

function refuse(current: LockInspection): never {
  const hint = 'stop the other runtime first, or run `millrace control clear-stale-state` if it is gone';
  if (current.state === 'active' && current.record) {
    const r = current.record;
    throw new MillraceError('LOCK_HELD', `workspace runtime ownership lock is already held by pid=${r.owner_pid} host=${r.owner_hostname} session=${r.owner_session_id}`, { hint });
  }
  if (current.state === 'invalid') throw new MillraceError('LOCK_HELD', `${current.detail}; run clear-stale-state to repair ownership lock before starting runtime again`, { hint });
  throw new MillraceError('LOCK_HELD', `${current.detail}; run clear-stale-state to remove stale ownership before starting runtime again`, { hint });
}

/** Remove the lock only if it is still ours (same session). Returns whether a file was removed. */
export async function releaseLock(paths: WorkspacePaths, sessionId: string): Promise<boolean> {
  const current = await inspectLock(paths);
  if (current.record?.owner_session_id !== sessionId) return false;
  await unlink(paths.lock).catch(() => undefined);
  return true;
}
