import { unlink } from 'node:fs/promises';
import type { WorkspacePaths } from '../paths.js';
import { inspectLock, removeStaleLock } from './lock.js';
import { quarantineStateFile } from './state-inspection.js';

export type StaleLockClearing = 'missing' | 'active_owner' | 'cleared_stale' | 'cleared_invalid';

/** Direct clear-stale-state: remove a dead owner's lock, quarantine an unreadable one; a live owner's lock is kept (control-and-inspection.md §5). */
export async function clearStaleLock(paths: WorkspacePaths): Promise<StaleLockClearing> {
  const lock = await inspectLock(paths);
  if (lock.state === 'absent') return 'missing';
  if (lock.state === 'active') return 'active_owner';
  if (lock.state === 'stale' && lock.record) return (await removeStaleLock(paths, lock.record)) ? 'cleared_stale' : 'active_owner';
  // An invalid lock (whatever it is) is kept in quarantine, never deleted.
  await quarantineStateFile(paths, paths.lock, new Date());
  return 'cleared_invalid';
}
