import { join } from 'node:path';
import type { WorkspacePaths } from '../workspace/paths.js';
import { inspectTaskGitState } from '../workspace/worktree/orphans.js';

type Finding = { severity: 'error' | 'warning'; code: string; path?: string | null; message: string; remedy: string };

/**
 * Task worktrees and `millrace/<task-id>` branches that nothing will use again, and stale git `index.lock` files
 * (docs/parallel.md). Only looked for when the workspace is inside a git repository. `doctor --fix` repairs them.
 */
export async function checkTaskWorktrees(paths: WorkspacePaths, keepDone: boolean, add: (f: Finding) => void): Promise<void> {
  const state = await inspectTaskGitState(paths, keepDone);
  if (state === null) return;
  const fix = 'run `millrace doctor --fix` (uncommitted changes are committed to the branch first; a branch with work not on the base branch is kept)';
  for (const l of state.leftovers) {
    if (l.kind === 'worktree') add({ severity: 'warning', code: 'orphan_task_worktree', path: l.path, message: `worktree of task ${l.task_id} (branch ${l.branch}) is no longer used`, remedy: fix });
    else add({ severity: 'warning', code: 'orphan_task_branch', path: join(state.top, '.git'), message: `branch ${l.branch} of task ${l.task_id} has no worktree and its task is finished`, remedy: fix });
  }
  for (const lock of state.index_locks) {
    // A lock a running git holds is its normal work, not a finding.
    if (lock.owner_pid === null) add({ severity: 'warning', code: 'stale_git_index_lock', path: lock.lock, message: `git index lock of ${lock.checkout} left by a git that no longer runs`, remedy: 'run `millrace doctor --fix` (or delete the file); a lane daemon also removes it at startup' });
  }
}
