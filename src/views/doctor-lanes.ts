import { join } from 'node:path';
import type { WorkspacePaths } from '../workspace/paths.js';
import { locateWorkItem } from '../workspace/queue/index.js';
import { gitListBranches, gitListWorktrees, gitTopLevel } from '../workspace/worktree/process.js';

type Finding = { severity: 'error' | 'warning'; code: string; path?: string | null; message: string; remedy: string };

const PREFIX = 'millrace/';

/**
 * Task worktrees and `millrace/<task-id>` branches that nothing will use again (docs/parallel.md): their task is done
 * or no longer exists. Worktrees of active tasks (in a lane, or requeued and to be reused) and of blocked tasks (kept
 * for inspection) are not orphans. Only looked for when the workspace is inside a git repository.
 */
export async function checkTaskWorktrees(paths: WorkspacePaths, keepDone: boolean, add: (f: Finding) => void): Promise<void> {
  const top = await gitTopLevel(paths.workspaceRoot);
  if (top === null) return;
  const orphan = async (taskId: string) => {
    const found = await locateWorkItem(paths, taskId, ['task']);
    return !found || (found.state === 'done' && !keepDone);
  };
  const worktreeBranches = new Set<string>();
  for (const wt of await gitListWorktrees(top)) {
    if (!wt.branch?.startsWith(PREFIX)) continue;
    worktreeBranches.add(wt.branch);
    const taskId = wt.branch.slice(PREFIX.length);
    if (await orphan(taskId)) {
      add({ severity: 'warning', code: 'orphan_task_worktree', path: wt.path, message: `worktree of task ${taskId} (branch ${wt.branch}) is no longer used`, remedy: `git worktree remove --force ${wt.path} && git branch -D ${wt.branch}` });
    }
  }
  for (const branch of await gitListBranches(top, PREFIX)) {
    if (worktreeBranches.has(branch)) continue;
    const taskId = branch.slice(PREFIX.length);
    if (await orphan(taskId)) add({ severity: 'warning', code: 'orphan_task_branch', path: join(top, '.git'), message: `branch ${branch} of task ${taskId} has no worktree and its task is finished`, remedy: `git branch -D ${branch} (after checking it holds nothing you need)` });
  }
}
