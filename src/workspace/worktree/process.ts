import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { removeStaleIndexLocks } from './git-locks.js';

/**
 * Every git command of the lane executor (docs/parallel.md): task worktrees, the commit of what agents left, the
 * integration into the base branch, and the listing `doctor` uses. Git runs without a terminal prompt and with a
 * fallback identity, so a repository without `user.email` can still record the runtime's commits.
 */

export type GitResult = { ok: boolean; stdout: string; stderr: string; code: number };

const IDENTITY = ['-c', 'user.name=millrace', '-c', 'user.email=millrace@localhost'];

/** Output kept per stream of one git command; past it the command is stopped and fails (execa's default bound, kept). */
export const GIT_OUTPUT_MAX_BYTES = 100_000_000;

/**
 * One git process (never through a shell, stdin closed), its output collected up to GIT_OUTPUT_MAX_BYTES per stream.
 * On `node:child_process`, not execa: every command bundle that can reach the lanes (`run once` among them) would
 * otherwise load execa's ~140 modules at start. A git that cannot be started, or whose output passes the bound (it is
 * then killed), is a failed command (`code` 1, the reason as stderr).
 */
function runGit(cwd: string, args: string[], env: Record<string, string> = {}): Promise<GitResult> {
  return new Promise((settle) => {
    const child = spawn('git', args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let failure: string | null = null;
    const collect = (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        if (failure !== null) return;
        size += chunk.length;
        if (size > GIT_OUTPUT_MAX_BYTES) {
          failure = `git output passed ${GIT_OUTPUT_MAX_BYTES} bytes; the command was stopped`;
          child.kill('SIGKILL');
        } else chunks.push(chunk);
      });
      return () => Buffer.concat(chunks).toString('utf8').trim();
    };
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.once('error', (error) => (failure ??= error.message));
    child.once('close', (code) => {
      if (failure !== null) settle({ ok: false, stdout: '', stderr: failure, code: 1 });
      else settle({ ok: code === 0, stdout: stdout(), stderr: stderr(), code: code ?? 1 });
    });
  });
}

async function git(cwd: string, args: string[], options: { identity?: boolean } = {}): Promise<GitResult> {
  const identity = options.identity && !(await hasIdentity(cwd)) ? IDENTITY : [];
  return runGit(cwd, [...identity, ...args], { GIT_TERMINAL_PROMPT: '0', GIT_EDITOR: 'true' });
}

async function hasIdentity(cwd: string): Promise<boolean> {
  const result = await runGit(cwd, ['config', 'user.email']);
  return result.ok && result.stdout !== '';
}

async function must(cwd: string, args: string[], options: { identity?: boolean } = {}): Promise<string> {
  const result = await git(cwd, args, options);
  if (!result.ok) throw new Error(`git ${args.join(' ')} failed in ${cwd}: ${result.stderr || result.stdout || `exit ${result.code}`}`);
  return result.stdout;
}

/** The top directory of the repository containing `dir`, or null when `dir` is not inside one. */
export async function gitTopLevel(dir: string): Promise<string | null> {
  // git finds a repository only through a `.git` entry in `dir` or above it, or through GIT_DIR / GIT_WORK_TREE: without
  // any of them its answer is null, so it is not started.
  if (!process.env.GIT_DIR && !process.env.GIT_WORK_TREE && !hasGitEntryAbove(dir)) return null;
  const result = await git(dir, ['rev-parse', '--show-toplevel']);
  return result.ok ? result.stdout : null;
}

function hasGitEntryAbove(dir: string): boolean {
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return true;
    if (dirname(at) === at) return false;
  }
}

/** The branch checked out in `repo`, or null on a detached HEAD. */
export async function gitCurrentBranch(repo: string): Promise<string | null> {
  const result = await git(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return result.ok ? result.stdout : null;
}

export async function gitBranchExists(repo: string, branch: string): Promise<boolean> {
  return (await git(repo, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`])).ok;
}

export type WorktreeEntry = { path: string; branch: string | null };

/** `git worktree list --porcelain`, the main checkout included. */
export async function gitListWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const out = await must(repo, ['worktree', 'list', '--porcelain']);
  const entries: WorktreeEntry[] = [];
  for (const block of out.split(/\n\n+/)) {
    const path = /^worktree (.+)$/m.exec(block)?.[1];
    if (!path) continue;
    const ref = /^branch refs\/heads\/(.+)$/m.exec(block)?.[1] ?? null;
    entries.push({ path: resolve(path), branch: ref });
  }
  return entries;
}

/** Local branches whose name starts with `prefix` (e.g. `millrace/`). */
export async function gitListBranches(repo: string, prefix: string): Promise<string[]> {
  const out = await must(repo, ['for-each-ref', '--format=%(refname:short)', `refs/heads/${prefix}`]);
  return out === '' ? [] : out.split('\n').sort();
}

/**
 * Make `path` a worktree on `branch`: reuse it when it already is one (a crashed lane's leftover), check out an
 * existing branch (a requeued task keeps its work), or create the branch from `base`.
 */
export async function gitEnsureWorktree(repo: string, path: string, branch: string, base: string): Promise<'reused' | 'attached' | 'created'> {
  const target = resolve(path);
  const existing = (await gitListWorktrees(repo)).find((w) => w.path === target);
  if (existing && existsSync(target)) {
    if (existing.branch !== branch) throw new Error(`worktree ${target} is on ${existing.branch ?? 'a detached HEAD'}, expected ${branch}`);
    return 'reused';
  }
  // A worktree whose directory was deleted by hand is still registered: prune it before adding again.
  await git(repo, ['worktree', 'prune']);
  // A directory git does not know as a worktree is what a killed `worktree add` left: nothing was committed there.
  if (existsSync(target)) await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  if (await gitBranchExists(repo, branch)) {
    await must(repo, ['worktree', 'add', target, branch]);
    return 'attached';
  }
  await must(repo, ['worktree', 'add', '-b', branch, target, base]);
  return 'created';
}

const INTEGRATION_MESSAGE = 'millrace: integrate ';

/**
 * Undo what a killed runtime left half done: a rebase or merge in progress in a task worktree, or one of our own
 * integration merges in the workspace checkout (recognized by its message; an operator's merge is left alone).
 */
export async function gitAbortInterrupted(cwd: string, ownMergesOnly: boolean): Promise<string[]> {
  const undone: string[] = [];
  const gitPath = async (name: string) => (await git(cwd, ['rev-parse', '--git-path', name])).stdout;
  const abs = (p: string) => resolve(cwd, p);
  if (existsSync(abs(await gitPath('rebase-merge'))) || existsSync(abs(await gitPath('rebase-apply')))) {
    if ((await git(cwd, ['rebase', '--abort'])).ok) undone.push('rebase');
  }
  if ((await git(cwd, ['rev-parse', '-q', '--verify', 'MERGE_HEAD'])).ok) {
    const message = await readFile(abs(await gitPath('MERGE_MSG')), 'utf8').catch(() => '');
    if (!ownMergesOnly || message.startsWith(INTEGRATION_MESSAGE)) {
      if ((await git(cwd, ['merge', '--abort'])).ok) undone.push('merge');
    }
  }
  return undone;
}

/** Stage and commit everything in the worktree; false when there was nothing to commit. */
export async function gitCommitAll(worktree: string, message: string): Promise<boolean> {
  await must(worktree, ['add', '-A']);
  if ((await git(worktree, ['diff', '--cached', '--quiet'])).ok) return false;
  await must(worktree, ['commit', '--no-verify', '-q', '-m', message], { identity: true });
  return true;
}

export type IntegrationResult = { ok: true; commit: string } | { ok: false; reason: string; conflicts: string[] };

async function unmergedFiles(cwd: string): Promise<string[]> {
  const result = await git(cwd, ['diff', '--name-only', '--diff-filter=U']);
  return result.ok && result.stdout !== '' ? result.stdout.split('\n').sort() : [];
}

/**
 * Integrate `branch` into `base`, which must be checked out in `repo`. `merge`: a merge commit (or nothing to do when
 * the branch is already contained). `ff`: rebase the branch onto `base` inside its worktree, then fast-forward.
 * A conflict aborts the merge or rebase, so `repo`, the branch and the worktree are left as they were.
 */
export async function gitIntegrate(repo: string, worktree: string, branch: string, base: string, strategy: 'merge' | 'ff'): Promise<IntegrationResult> {
  const current = await gitCurrentBranch(repo);
  if (current !== base) return { ok: false, reason: `the workspace checkout is on ${current ?? 'a detached HEAD'}, not on the base branch ${base}`, conflicts: [] };
  if (strategy === 'ff') {
    const rebase = await git(worktree, ['rebase', base], { identity: true });
    if (!rebase.ok) {
      const conflicts = await unmergedFiles(worktree);
      await git(worktree, ['rebase', '--abort']);
      return { ok: false, reason: `rebase of ${branch} onto ${base} failed: ${firstLine(rebase.stderr || rebase.stdout)}`, conflicts };
    }
    const ff = await git(repo, ['merge', '--ff-only', '-q', branch]);
    if (!ff.ok) return { ok: false, reason: `fast-forward of ${base} to ${branch} failed: ${firstLine(ff.stderr || ff.stdout)}`, conflicts: [] };
  } else {
    const merge = await git(repo, ['merge', '--no-ff', '--no-edit', '-q', '-m', `${INTEGRATION_MESSAGE}${branch}`, branch], { identity: true });
    if (!merge.ok) {
      const conflicts = await unmergedFiles(repo);
      await git(repo, ['merge', '--abort']);
      return { ok: false, reason: `merge of ${branch} into ${base} failed: ${firstLine(merge.stderr || merge.stdout)}`, conflicts };
    }
  }
  return { ok: true, commit: await must(repo, ['rev-parse', 'HEAD']) };
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'unknown error';
}

/** Remove a worktree (even with untracked files) and, when asked, its branch. */
export async function gitRemoveWorktree(repo: string, path: string, deleteBranch: string | null): Promise<void> {
  if (existsSync(path)) await must(repo, ['worktree', 'remove', '--force', resolve(path)]);
  await git(repo, ['worktree', 'prune']);
  if (deleteBranch && (await gitBranchExists(repo, deleteBranch))) await must(repo, ['branch', '-D', deleteBranch]);
}

/** Every checkout's `index.lock` path (the main checkout and each existing worktree). */
export async function gitIndexLockPaths(repo: string): Promise<Array<{ lock: string; checkout: string }>> {
  const locks: Array<{ lock: string; checkout: string }> = [];
  for (const wt of await gitListWorktrees(repo)) {
    if (!existsSync(wt.path)) continue;
    const path = await git(wt.path, ['rev-parse', '--git-path', 'index.lock']);
    if (path.ok) locks.push({ lock: resolve(wt.path, path.stdout), checkout: wt.path });
  }
  return locks;
}

/** Remove the `index.lock` files a killed git left in the repository's checkouts (git-locks.ts); returns their paths. */
export async function gitClearStaleIndexLocks(repo: string): Promise<string[]> {
  return removeStaleIndexLocks(await gitIndexLockPaths(repo));
}

/** Whether the worktree has changes (tracked or untracked, ignored files aside). */
export async function gitWorktreeDirty(worktree: string): Promise<boolean> {
  return (await must(worktree, ['status', '--porcelain'])) !== '';
}

/** Whether every commit of `branch` is already on `base`. */
export async function gitBranchMerged(repo: string, branch: string, base: string): Promise<boolean> {
  return (await git(repo, ['merge-base', '--is-ancestor', `refs/heads/${branch}`, `refs/heads/${base}`])).ok;
}

/** Remove a clean worktree (git refuses one with changes); the branch stays. */
export async function gitRemoveCleanWorktree(repo: string, path: string): Promise<void> {
  await must(repo, ['worktree', 'remove', resolve(path)]);
  await git(repo, ['worktree', 'prune']);
}

/** Delete a branch only when it is merged into `base` (`git branch -d` semantics against that base). */
export async function gitDeleteMergedBranch(repo: string, branch: string, base: string): Promise<boolean> {
  if (!(await gitBranchMerged(repo, branch, base))) return false;
  await must(repo, ['branch', '-D', branch]);
  return true;
}
