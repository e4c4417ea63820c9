import { link, open, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createHash, randomBytes } from 'node:crypto';
import { DaemonLockSchema, type DaemonLock, type LockInspection } from '../../contracts/runtime-state.js';
import { tempPathFor, writeFailure } from '@millrace/plugin-api';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { readStateFile } from './state-file.js';

const LOCK_FILE = 'millrace-agents/state/runtime_daemon.lock.json';

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
  const read = readStateFile(paths.lock, paths.workspaceRoot, 'lock file');
  if (read.kind === 'absent') return { state: 'absent', detail: 'runtime ownership lock is absent', record: null };
  if (read.kind === 'refused') return { state: 'invalid', detail: `${LOCK_FILE}: runtime ownership lock ${read.reason}`, record: null };
  const text = read.text;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { state: 'invalid', detail: `${LOCK_FILE}: invalid runtime ownership lock payload: ${(error as Error).message}`, record: null };
  }
  const parsed = DaemonLockSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { state: 'invalid', detail: `${LOCK_FILE}: invalid runtime ownership lock payload: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`, record: null };
  }
  const record = parsed.data;
  if (record.workspace_root !== paths.workspaceRoot) {
    return { state: 'invalid', detail: `${LOCK_FILE}: runtime ownership lock references a different workspace root (${record.workspace_root})`, record };
  }
  if (record.owner_hostname !== hostname() || pidAlive(record.owner_pid)) {
    return { state: 'active', detail: `workspace runtime ownership lock is active: pid=${record.owner_pid} host=${record.owner_hostname} session=${record.owner_session_id}`, record };
  }
  return { state: 'stale', detail: `workspace runtime ownership lock is stale: pid=${record.owner_pid} is not running (session=${record.owner_session_id})`, record };
}

export type LockAcquisition = { record: DaemonLock; takenOver: LockInspection | null };

/** Write `record` to a temp file, then hard-link it to `target`: false when `target` exists (never replaced). */
async function createExclusiveAt(target: string, record: DaemonLock): Promise<boolean> {
  const tmp = tempPathFor(target);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(tmp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw writeFailure(error, target);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** Replace the lock file in one step (temp file + rename): the lock is never absent while it changes hands. */
async function replaceLock(paths: WorkspacePaths, record: DaemonLock): Promise<void> {
  const tmp = tempPathFor(paths.lock);
  try {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, paths.lock);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw writeFailure(error, paths.lock);
  }
}

/**
 * The takeover guard of a dead holder's session: whoever creates it (exclusively) is the one contender allowed to
 * replace that holder. Its content is the taker's lock record, so a taker that died in turn is superseded the same way.
 */
export function takeoverGuardPath(paths: WorkspacePaths, sessionId: string): string {
  return `${paths.lock}.takeover-${createHash('sha256').update(sessionId).digest('hex').slice(0, 32)}`;
}

async function readGuard(paths: WorkspacePaths, path: string): Promise<DaemonLock | null> {
  const read = readStateFile(path, paths.workspaceRoot, 'lock file');
  if (read.kind !== 'text') return null;
  try {
    const parsed = DaemonLockSchema.safeParse(JSON.parse(read.text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

type GuardClaim = { kind: 'won'; chain: string[]; guards: string[] } | { kind: 'busy'; taker: DaemonLock | null };

/**
 * Win the right to replace the dead holder `sessionId`: create its guard, or, when a taker that has died since holds
 * it, the guard of that taker, and so on. Exactly one contender wins each guard.
 */
async function claimTakeover(paths: WorkspacePaths, sessionId: string, record: DaemonLock): Promise<GuardClaim> {
  const chain = [sessionId];
  for (let step = 0; step < 32; step++) {
    const guard = takeoverGuardPath(paths, chain.at(-1)!);
    if (await createExclusiveAt(guard, record)) return { kind: 'won', chain, guards: chain.map((s) => takeoverGuardPath(paths, s)) };
    const taker = await readGuard(paths, guard);
    if (!taker || taker.owner_hostname !== hostname() || pidAlive(taker.owner_pid)) return { kind: 'busy', taker };
    chain.push(taker.owner_session_id);
  }
  return { kind: 'busy', taker: null };
}

/**
 * Take the ownership lock or fail fast. A stale lock of a dead process on this host is taken over (and reported
 * through `takenOver`) so a crashed daemon can be restarted; an active or invalid lock is refused. With several
 * contenders exactly one becomes the owner: the lock is only created exclusively or replaced by the single winner of
 * the dead holder's takeover guard, and never removed on the way.
 */
export async function acquireLock(paths: WorkspacePaths, now: Date): Promise<LockAcquisition> {
  const record: DaemonLock = {
    workspace_root: paths.workspaceRoot,
    owner_pid: process.pid,
    owner_hostname: hostname(),
    owner_session_id: randomBytes(16).toString('hex'),
    acquired_at: now.toISOString(),
  };
  for (let attempt = 0; attempt < 8; attempt++) {
    if (await createExclusiveAt(paths.lock, record)) return { record, takenOver: null };
    const current = await inspectLock(paths);
    if (current.state === 'absent') continue;
    if (current.state !== 'stale' || !current.record) return refuse(current);
    const claim = await claimTakeover(paths, current.record.owner_session_id, record);
    if (claim.kind === 'busy') {
      if (claim.taker) throw new MillraceError('LOCK_HELD', `workspace runtime ownership lock is being taken over by pid=${claim.taker.owner_pid} host=${claim.taker.owner_hostname} session=${claim.taker.owner_session_id}`, { hint: 'another runtime is starting; stop it first' });
      return refuse(await inspectLock(paths));
    }
    // The holder can only have changed hands through this chain's guards (all ours or dead takers'), or been removed.
    const holder = await inspectLock(paths);
    const ours = holder.state === 'stale' && holder.record !== null && claim.chain.includes(holder.record.owner_session_id);
    if (ours) await replaceLock(paths, record);
    const guardsDone = Promise.all(claim.guards.map((g) => unlink(g).catch(() => undefined)));
    if (ours) {
      await guardsDone;
      return { record, takenOver: current };
    }
    await guardsDone;
    if (holder.state !== 'absent' && holder.state !== 'stale') return refuse(holder);
  }
  return refuse(await inspectLock(paths));
}

function refuse(current: LockInspection): never {
  const hint = 'stop the other runtime first, or run `millrace control clear-stale-state` if it is gone';
  if (current.state === 'active' && current.record) {
    const r = current.record;
    throw new MillraceError('LOCK_HELD', `workspace runtime ownership lock is already held by pid=${r.owner_pid} host=${r.owner_hostname} session=${r.owner_session_id}`, { hint });
  }
  if (current.state === 'invalid') throw new MillraceError('LOCK_HELD', `${current.detail}; run clear-stale-state to repair ownership lock before starting runtime again`, { hint: 'run `millrace doctor --fix` to move the bad lock to millrace-agents/state/quarantine/', file: LOCK_FILE });
  throw new MillraceError('LOCK_HELD', `${current.detail}; run clear-stale-state to remove stale ownership before starting runtime again`, { hint });
}

/**
 * Remove a dead holder's lock (clear-stale-state) through the same takeover guard a starting daemon uses, so it never
 * removes the lock of a contender that has just taken over. False when someone else is taking it over.
 */
export async function removeStaleLock(paths: WorkspacePaths, stale: DaemonLock): Promise<boolean> {
  const guard = takeoverGuardPath(paths, stale.owner_session_id);
  if (!(await createExclusiveAt(guard, { ...stale, owner_pid: process.pid, owner_hostname: hostname(), owner_session_id: randomBytes(16).toString('hex') }))) return false;
  try {
    const holder = await inspectLock(paths);
    if (holder.state !== 'stale' || holder.record?.owner_session_id !== stale.owner_session_id) return false;
    await unlink(paths.lock).catch(() => undefined);
    return true;
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** Remove the lock only if it is still ours (same session). Returns whether a file was removed. */
export async function releaseLock(paths: WorkspacePaths, sessionId: string): Promise<boolean> {
  const current = await inspectLock(paths);
  if (current.record?.owner_session_id !== sessionId) return false;
  await unlink(paths.lock).catch(() => undefined);
  return true;
}
