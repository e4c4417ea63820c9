import { locateWorkItem } from '../queue/index.js';
import type { WorkspacePaths } from '../paths.js';
import { classifyIndexLocks, type IndexLock } from './git-locks.js';
import { gitIndexLockPaths, gitListBranches, gitListWorktrees, gitTopLevel } from './process.js';

export const TASK_BRANCH_PREFIX = 'millrace/';

/** A task worktree (with its branch) or a task branch without worktree that no active item owns (docs/parallel.md). */
export type TaskLeftover = { kind: 'worktree'; task_id: string; branch: string; path: string } | { kind: 'branch'; task_id: string; branch: string };

export type TaskGitState = { top: string; leftovers: TaskLeftover[]; index_locks: IndexLock[] };

/**
 * The lane git state of the workspace's repository, or null outside one: orphan task worktrees and branches (their task
 * is done, unless done tasks' worktrees are kept, or unknown; worktrees of active, queued and blocked tasks are not
 * orphans) and the `index.lock` files present in its checkouts.
 */
export async function inspectTaskGitState(paths: WorkspacePaths, keepDone: boolean): Promise<TaskGitState | null> {
  const top = await gitTopLevel(paths.workspaceRoot);
  if (top === null) return null;
  const orphan = async (taskId: string) => {
    const found = await locateWorkItem(paths, taskId, ['task']);
    return !found || (found.state === 'done' && !keepDone);
  };
  const leftovers: TaskLeftover[] = [];
  const worktreeBranches = new Set<string>();
  for (const wt of await gitListWorktrees(top)) {
    if (!wt.branch?.startsWith(TASK_BRANCH_PREFIX)) continue;
    worktreeBranches.add(wt.branch);
    const taskId = wt.branch.slice(TASK_BRANCH_PREFIX.length);
    if (await orphan(taskId)) leftovers.push({ kind: 'worktree', task_id: taskId, branch: wt.branch, path: wt.path });
  }
  for (const branch of await gitListBranches(top, TASK_BRANCH_PREFIX)) {
    if (worktreeBranches.has(branch)) continue;
    const taskId = branch.slice(TASK_BRANCH_PREFIX.length);
    if (await orphan(taskId)) leftovers.push({ kind: 'branch', task_id: taskId, branch });
  }
  return { top, leftovers, index_locks: await classifyIndexLocks(await gitIndexLockPaths(top)) };
}
