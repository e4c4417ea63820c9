import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitCommitAll, gitCurrentBranch, gitEnsureWorktree, gitIntegrate, gitListBranches, gitListWorktrees, gitRemoveWorktree } from '../../../src/workspace/worktree/process.js';
import { gitIn, initRepo } from '../../support/git-repo.js';
import { withTempTree } from '../../support/temp-tree.js';

describe('task worktrees (real git)', () => {
  it('creates, reuses, commits, merges and removes a task worktree', () =>
    withTempTree(async (root, write) => {
      await write('shared.txt', 'base\n');
      initRepo(root);
      const wt = join(root, 'wts', 't-1');
      expect(await gitEnsureWorktree(root, wt, 'millrace/t-1', 'main')).toBe('created');
      expect(await gitEnsureWorktree(root, wt, 'millrace/t-1', 'main')).toBe('reused');
      expect(await gitCurrentBranch(wt)).toBe('millrace/t-1');
      await writeFile(join(wt, 'a.txt'), 'from t-1\n');
      expect(await gitCommitAll(wt, 'millrace: t-1')).toBe(true);
      expect(await gitCommitAll(wt, 'millrace: t-1')).toBe(false);
      expect(await gitIntegrate(root, wt, 'millrace/t-1', 'main', 'merge')).toMatchObject({ ok: true });
      expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('from t-1\n');
      expect((await gitListWorktrees(root)).map((w) => w.branch)).toEqual(['main', 'millrace/t-1']);
      await gitRemoveWorktree(root, wt, 'millrace/t-1');
      expect(existsSync(wt)).toBe(false);
      expect(await gitListBranches(root, 'millrace/')).toEqual([]);
    }));

  it('a conflicting merge is aborted: base unchanged, branch and worktree intact, conflicting files named', () =>
    withTempTree(async (root, write) => {
      await write('shared.txt', 'line\n');
      initRepo(root);
      const a = join(root, 'wts', 'a');
      const b = join(root, 'wts', 'b');
      await gitEnsureWorktree(root, a, 'millrace/a', 'main');
      await gitEnsureWorktree(root, b, 'millrace/b', 'main');
      await writeFile(join(a, 'shared.txt'), 'edited by a\n');
      await writeFile(join(b, 'shared.txt'), 'edited by b\n');
      await gitCommitAll(a, 'a');
      await gitCommitAll(b, 'b');
      expect(await gitIntegrate(root, a, 'millrace/a', 'main', 'merge')).toMatchObject({ ok: true });
      const head = gitIn(root, 'rev-parse', 'HEAD');
      const failed = await gitIntegrate(root, b, 'millrace/b', 'main', 'merge');
      expect(failed).toMatchObject({ ok: false, conflicts: ['shared.txt'] });
      expect(gitIn(root, 'rev-parse', 'HEAD')).toBe(head);
      expect(gitIn(root, 'status', '--porcelain', '--untracked-files=no')).toBe('');
      expect(await readFile(join(root, 'shared.txt'), 'utf8')).toBe('edited by a\n');
      expect(await readFile(join(b, 'shared.txt'), 'utf8')).toBe('edited by b\n');
      expect(await gitListBranches(root, 'millrace/')).toEqual(['millrace/a', 'millrace/b']);
    }));

  it('ff rebases the branch onto a moved base, then fast-forwards; a rebase conflict is aborted', () =>
    withTempTree(async (root, write) => {
      await write('shared.txt', 'line\n');
      initRepo(root);
      const a = join(root, 'wts', 'a');
      const b = join(root, 'wts', 'b');
      const c = join(root, 'wts', 'c');
      for (const [dir, id] of [[a, 'a'], [b, 'b'], [c, 'c']] as const) await gitEnsureWorktree(root, dir, `millrace/${id}`, 'main');
      await writeFile(join(a, 'a.txt'), 'a\n');
      await writeFile(join(b, 'b.txt'), 'b\n');
      await writeFile(join(a, 'shared.txt'), 'from a\n');
      await writeFile(join(c, 'shared.txt'), 'from c\n');
      for (const dir of [a, b, c]) await gitCommitAll(dir, 'work');
      expect(await gitIntegrate(root, a, 'millrace/a', 'main', 'ff')).toMatchObject({ ok: true });
      expect(await gitIntegrate(root, b, 'millrace/b', 'main', 'ff')).toMatchObject({ ok: true });
      expect(gitIn(root, 'log', '--merges', '--oneline')).toBe('');
      expect(await readFile(join(root, 'b.txt'), 'utf8')).toBe('b\n');
      expect(await gitIntegrate(root, c, 'millrace/c', 'main', 'ff')).toMatchObject({ ok: false, conflicts: ['shared.txt'] });
      expect(gitIn(c, 'status', '--porcelain')).toBe('');
      expect(await gitCurrentBranch(c)).toBe('millrace/c');
    }));

  it('re-attaches an existing branch whose worktree directory was deleted', () =>
    withTempTree(async (root, write) => {
      await write('x.txt', 'x\n');
      initRepo(root);
      const wt = join(root, 'wts', 't');
      await gitEnsureWorktree(root, wt, 'millrace/t', 'main');
      await writeFile(join(wt, 'kept.txt'), 'kept\n');
      await gitCommitAll(wt, 'kept');
      gitIn(root, 'worktree', 'remove', '--force', wt);
      expect(await gitEnsureWorktree(root, wt, 'millrace/t', 'main')).toBe('attached');
      expect(await readFile(join(wt, 'kept.txt'), 'utf8')).toBe('kept\n');
    }));
});
