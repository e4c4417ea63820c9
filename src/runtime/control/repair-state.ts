import { MillraceError } from '../../errors/index.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { reapOrphanAgentGroups, type EndedAgentGroup } from '../../workspace/state/agent-groups.js';
import { inspectLock } from '../../workspace/state/lock.js';
import { inspectStateFiles, quarantineStateFile, workspaceRelative } from '../../workspace/state/state-inspection.js';
import { createQueueAdapter } from '../queue-adapter.js';
import type { ControlResult } from './control-result.js';
import { clearStaleStateDirect } from './direct-control.js';

export type QuarantinedStateFile = { file: string; reason: string; moved_to: string };
export type StateRepair = { quarantined: QuarantinedStateFile[]; ended_agent_groups: EndedAgentGroup[]; cleared: ControlResult };

export const REPAIR_REASON = 'doctor --fix rebuilt the runtime state';

/**
 * `doctor --fix`: with no live runtime, move every bad state file (and an invalid lock) to `state/quarantine/` by
 * rename, end every stage agent process group that outlived its daemon (identity checked, as at daemon startup), then rebuild a consistent state from the queue folders the way `clear-stale-state` does (active documents
 * requeued, idle snapshot and markers, no counters). Nothing is deleted; no work document moves anywhere but back to
 * its queue.
 */
export async function repairState(workspace: string, now: Date = new Date(), graceMs = 5000): Promise<StateRepair> {
  const paths = requireInitializedWorkspace(workspace);
  const lock = await inspectLock(paths);
  if (lock.state === 'active') {
    throw new MillraceError('LOCK_HELD', `cannot repair state while a runtime owns the workspace: ${lock.detail}`, { hint: 'stop it first (`millrace stop`), then run `millrace doctor --fix` again' });
  }
  const quarantined: QuarantinedStateFile[] = [];
  const bad = inspectStateFiles(paths);
  if (lock.state === 'invalid') bad.unshift({ path: paths.lock, reason: lock.detail });
  for (const problem of bad) {
    const movedTo = await quarantineStateFile(paths, problem.path, now);
    quarantined.push({ file: workspaceRelative(paths, problem.path), reason: problem.reason, moved_to: workspaceRelative(paths, movedTo) });
  }
  // After the quarantine, so an unreadable record file is already set aside (and replaced by an empty one).
  const reaped = await reapOrphanAgentGroups(paths, graceMs);
  const cleared = await clearStaleStateDirect({ paths, queue: createQueueAdapter(paths), now }, REPAIR_REASON);
  return { quarantined, ended_agent_groups: reaped.ended.filter((g) => g.processes > 0), cleared };
}
