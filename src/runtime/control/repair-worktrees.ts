import { loadConfig } from '../../config/load.js';
import type { RunnerSchemaSource } from '../../contracts/config.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { inspectTaskGitState } from '../../workspace/worktree/orphans.js';
import { gitClearStaleIndexLocks, gitCommitAll, gitCurrentBranch, gitDeleteMergedBranch, gitRemoveCleanWorktree, gitWorktreeDirty } from '../../workspace/worktree/process.js';

/** What `doctor --fix` did to one orphan worktree, branch or stale index lock. */
export type WorktreeRepair = { target: string; action: 'removed' | 'kept' | 'committed_and_removed'; detail: string };

/**
 * `doctor --fix` for lane leftovers (docs/parallel.md), never losing work: stale `index.lock` files are removed; an
 * orphan worktree with changes gets them committed to its branch first, then the (clean) worktree is removed; a task
 * branch is deleted only when every commit of it is on the base branch, otherwise it is kept and named.
 */
export async function repairTaskWorktrees(workspace: string, registry: RunnerSchemaSource): Promise<WorktreeRepair[]> {
  const paths = requireInitializedWorkspace(workspace);
  const { config } = await loadConfig({ workspaceRoot: paths.workspaceRoot, registry });
  const state = await inspectTaskGitState(paths, config.execution.worktree_retention === 'keep');
  if (state === null) return [];
  const repairs: WorktreeRepair[] = [];
  for (const lock of await gitClearStaleIndexLocks(state.top)) repairs.push({ target: lock, action: 'removed', detail: 'stale git index lock (no git process works in its checkout)' });
  const base = config.execution.base_branch ?? (await gitCurrentBranch(state.top));
  for (const leftover of state.leftovers) {
    if (leftover.kind === 'worktree') {
      try {
        const dirty = await gitWorktreeDirty(leftover.path);
        if (dirty) await gitCommitAll(leftover.path, `millrace: doctor kept uncommitted work of ${leftover.task_id}`);
        await gitRemoveCleanWorktree(state.top, leftover.path);
        repairs.push({ target: leftover.path, action: dirty ? 'committed_and_removed' : 'removed', detail: dirty ? `uncommitted changes committed to ${leftover.branch}, worktree removed` : 'clean worktree removed' });
      } catch (error) {
        repairs.push({ target: leftover.path, action: 'kept', detail: `worktree kept: ${(error as Error).message.split('\n')[0]}` });
        continue;
      }
    }
    if (base === null) {
      repairs.push({ target: leftover.branch, action: 'kept', detail: 'branch kept: the checkout is on a detached HEAD, so there is no base branch to compare with' });
      continue;
    }
    if (await gitDeleteMergedBranch(state.top, leftover.branch, base)) repairs.push({ target: leftover.branch, action: 'removed', detail: `branch deleted (all its commits are on ${base})` });
    else repairs.push({ target: leftover.branch, action: 'kept', detail: `branch kept: it has commits that are not on ${base}` });
  }
  return repairs;
}
