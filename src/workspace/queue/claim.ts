import { MillraceError, isMillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { moveWorkItem } from './move.js';
import { listQueue, listQueueLocations, listWatchedLocations, type ListOptions, type QueueItem, type QueueLocation, type ScanScope } from './scan.js';
import { decideNextWorkItem, type ClaimPlane, type SelectOptions } from './select.js';

export const PLANE_SCOPE: Record<ClaimPlane, ScanScope> = {
  execution: { task: ['queue', 'active'] },
  planning: { spec: ['queue', 'active'], incident: ['incoming', 'active'] },
};

export type ClaimResult =
  | { status: 'claimed'; item: QueueItem }
  | { status: 'busy'; activeId: string }
  | { status: 'idle'; waiting: number };

const MAX_ATTEMPTS = 5;

/**
 * Claim the next item of a plane (documents.md §8): nothing when one item is already active; otherwise move the
 * selected document to `active`. Invalid files are skipped (and left in place). Two or more active items is an
 * inconsistent workspace (WORKSPACE_STATE_INVALID). If the chosen file vanishes before the move, rescan.
 * `listing`: how the queue is read (`listQueue`): a one-shot run uses the persisted parse cache, a daemon watches folders.
 */
export async function claimNextWorkItem(paths: WorkspacePaths, plane: ClaimPlane, options: SelectOptions = {}, listing: ListOptions = {}): Promise<ClaimResult> {
  for (let attempt = 1; ; attempt += 1) {
    const [found, done] = await Promise.all([
      listQueue(paths, PLANE_SCOPE[plane], listing),
      plane === 'execution' ? (listing.watchFolders === true ? listWatchedLocations : listQueueLocations)(paths, { task: ['done'] }) : Promise.resolve([] as QueueLocation[]),
    ]);
    const located = [...found.items, ...found.invalid, ...done];
    const decision = decideNextWorkItem(plane, located, found.items, options);
    if (decision.status === 'conflict') {
      throw new MillraceError('WORKSPACE_STATE_INVALID', `multiple active ${plane} items found: ${decision.activeIds.join(', ')}`, {
        hint: 'move all but one back to its queue folder by hand while no runtime is active',
      });
    }
    if (decision.status !== 'claimable') return decision;
    const { item } = decision;
    try {
      const moved = await moveWorkItem(paths, item.kind, item.id, item.state, 'active');
      return { status: 'claimed', item: { ...item, ...moved } };
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isMillraceError(error) || error.code !== 'NOT_FOUND') throw error;
    }
  }
}
