import { unlink } from 'node:fs/promises';
import type { WorkspacePaths } from '../paths.js';
import { inspectLock, removeStaleLock } from './lock.js';

export type StaleLockClearing = 'missing' | 'active_owner' | 'cleared_stale' | 'cleared_invalid';

/** Direct clear-stale-state: remove a dead owner's or an unreadable lock; a live owner's lock is kept (control-and-inspection.md §5). */
export async function clearStaleLock(paths: WorkspacePaths): Promise<StaleLockClearing> {
  const lock = await inspectLock(paths);
  if (lock.state === 'absent') return 'missing';
  if (lock.state === 'active') return 'active_owner';
  if (lock.state === 'stale' && lock.record) return (await removeStaleLock(paths, lock.record)) ? 'cleared_stale' : 'active_owner';
  await unlink(paths.lock).catch(() => undefined);
  return 'cleared_invalid';
}
