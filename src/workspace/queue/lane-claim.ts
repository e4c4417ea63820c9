import { isMillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { moveWorkItem } from './move.js';
import { listQueue, listQueueLocations, type QueueItem } from './scan.js';
import { selectNextLaneTask, type SelectOptions } from './select.js';

export type LaneClaimOptions = SelectOptions & {
  isolation: 'none' | 'worktree';
  /** How many tasks may be active at once (the lane count). */
  maxActive: number;
};

export type LaneClaimResult = { status: 'claimed'; item: QueueItem } | { status: 'full'; active: number } | { status: 'idle'; waiting: number };

const MAX_ATTEMPTS = 5;

function targetPathsOf(item: QueueItem): readonly string[] {
  return item.document.kind === 'task' ? item.document.fields.target_paths : [];
}

/**
 * Claim a task for a free lane (docs/parallel.md): up to `maxActive` tasks may be active at once; the next one is
 * chosen by selectNextLaneTask. An invalid document in `active/` occupies a lane (it is never selected or moved).
 * If the chosen file vanishes before the move, rescan.
 */
export async function claimNextLaneTask(paths: WorkspacePaths, options: LaneClaimOptions): Promise<LaneClaimResult> {
  for (let attempt = 1; ; attempt += 1) {
    const [listing, done] = await Promise.all([listQueue(paths, { task: ['queue', 'active'] }), listQueueLocations(paths, { task: ['done'] })]);
    const active = listing.items.filter((i) => i.state === 'active');
    const activeCount = active.length + listing.invalid.filter((i) => i.state === 'active').length;
    if (activeCount >= options.maxActive) return { status: 'full', active: activeCount };
    const queued = listing.items.filter((i) => i.state === 'queue').map((item) => ({ ...item, targetPaths: targetPathsOf(item) }));
    const next = selectNextLaneTask(queued, new Set(done.map((d) => d.id)), { ...options, running: active.map(targetPathsOf) });
    if (!next) return { status: 'idle', waiting: queued.length };
    try {
      const moved = await moveWorkItem(paths, next.kind, next.id, next.state, 'active');
      return { status: 'claimed', item: { ...next, ...moved } };
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isMillraceError(error) || error.code !== 'NOT_FOUND') throw error;
    }
  }
}
