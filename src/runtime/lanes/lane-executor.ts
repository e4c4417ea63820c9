import { join, relative } from 'node:path';
import type { RunnerRawResult, StageRunRequest } from '@millrace/plugin-api';
import type { ExecutionConfig } from '../../contracts/config.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { gitAbortInterrupted, gitClearStaleIndexLocks, gitCommitAll, gitCurrentBranch, gitEnsureWorktree, gitIntegrate, gitRemoveWorktree, gitTopLevel } from '../../workspace/worktree/process.js';

/**
 * The lane executor (docs/parallel.md): the one seam between the runtime, which claims tasks and applies every
 * result, and whatever runs a task's stages. The runtime calls, per task: prepare -> runStage (once per stage) ->
 * integrate (after the last stage succeeded, one integration at a time) -> release. An executor never moves queue
 * documents or writes runtime state; it only reports.
 */
export type LaneTask = { lane: number; taskId: string };

/** Where a task's stages run. `worktree_path`/`branch`/`base_branch` are null without worktree isolation. */
export type LanePlace = { cwd: string; worktree_path: string | null; branch: string | null; base_branch: string | null };

export type IntegrationOutcome = { ok: true; detail: string } | { ok: false; reason: string; conflicts: string[] };

export type LaneExecutor = {
  /** Make the task's place ready: create its worktree, or reuse the one a crashed or requeued attempt left. */
  prepare(task: LaneTask): Promise<LanePlace>;
  /** Run one stage in the place; never throws (runner failures are raw results). */
  runStage(place: LanePlace, request: StageRunRequest, signal: AbortSignal): Promise<RunnerRawResult>;
  /** Commit what the agents left and integrate the task's work into the base branch. */
  integrate(task: LaneTask, place: LanePlace): Promise<IntegrationOutcome>;
  /** After the task is done: remove its worktree (unless retained). */
  release(task: LaneTask, place: LanePlace): Promise<void>;
};

export const LANE_BRANCH_PREFIX = 'millrace/';

/** Runs one stage through the runner dispatch with `cwd` as the harness's working directory. */
export type StageDispatch = (request: StageRunRequest, signal: AbortSignal, cwd: string) => Promise<RunnerRawResult>;

/** The local executor: stages run on this machine through the runner dispatch, in a worktree or the shared tree. */
export async function createLocalLaneExecutor(paths: WorkspacePaths, execution: ExecutionConfig, dispatch: StageDispatch): Promise<LaneExecutor> {
  const shared: LanePlace = { cwd: paths.workspaceRoot, worktree_path: null, branch: null, base_branch: null };
  const runStage: LaneExecutor['runStage'] = (place, request, signal) => dispatch(request, signal, place.cwd);
  if (execution.isolation === 'none') {
    return { prepare: async () => shared, runStage, integrate: async () => ({ ok: true, detail: 'shared working tree' }), release: async () => undefined };
  }
  const top = await gitTopLevel(paths.workspaceRoot);
  if (top === null) throw new MillraceError('CONFIG_INVALID', `execution.isolation = "worktree" needs a git repository, and ${paths.workspaceRoot} is not inside one`);
  const base = execution.base_branch ?? (await gitCurrentBranch(top));
  if (base === null) throw new MillraceError('CONFIG_INVALID', 'execution.isolation = "worktree": the workspace checkout is on a detached HEAD; check out a branch or set execution.base_branch');
  // A git killed with the previous daemon can leave index.lock behind, which would fail every later merge or commit.
  await gitClearStaleIndexLocks(top);
  await gitAbortInterrupted(top, true);
  const inRepo = relative(top, paths.workspaceRoot);
  const worktreeRoot = join(paths.workspaceRoot, execution.worktree_dir);
  return {
    async prepare(task) {
      const path = join(worktreeRoot, task.taskId);
      const branch = `${LANE_BRANCH_PREFIX}${task.taskId}`;
      if ((await gitEnsureWorktree(top, path, branch, base)) === 'reused') await gitAbortInterrupted(path, false);
      return { cwd: inRepo === '' ? path : join(path, inRepo), worktree_path: path, branch, base_branch: base };
    },
    runStage,
    async integrate(task, place) {
      if (!place.worktree_path || !place.branch || !place.base_branch) return { ok: true, detail: 'no worktree' };
      try {
        await gitCommitAll(place.worktree_path, `millrace: ${task.taskId}`);
      } catch (error) {
        return { ok: false, reason: `commit in ${place.worktree_path} failed: ${(error as Error).message}`, conflicts: [] };
      }
      const result = await gitIntegrate(top, place.worktree_path, place.branch, place.base_branch, execution.integration);
      return result.ok ? { ok: true, detail: result.commit } : result;
    },
    async release(_task, place) {
      if (execution.worktree_retention === 'keep' || !place.worktree_path) return;
      await gitRemoveWorktree(top, place.worktree_path, place.branch);
    },
  };
}
