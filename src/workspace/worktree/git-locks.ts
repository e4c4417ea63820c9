import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * Stale git `index.lock` files (docs/parallel.md): a git killed mid-command leaves `index.lock`, and every later git
 * command that writes the index fails until it is gone. A lock is stale only when no running git process works in
 * the checkout it belongs to (found through /proc: a process named `git` whose cwd is inside it). Where /proc is not
 * available, a lock counts as stale only when it is older than ten minutes.
 */

export type IndexLock = { lock: string; checkout: string; owner_pid: number | null };

const FALLBACK_AGE_MS = 10 * 60 * 1000;

async function gitProcessDirs(): Promise<string[] | null> {
  if (!existsSync('/proc/self/stat')) return null;
  const dirs: string[] = [];
  for (const pid of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() !== 'git' && !comm.startsWith('git-')) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => null);
    if (cwd) dirs.push(`${pid}\u0000${cwd}`);
  }
  return dirs;
}

const inside = (dir: string, root: string) => dir === root || dir.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);

/** Which of `locks` (each with the checkout it guards) a live git process owns; the others are stale. */
export async function classifyIndexLocks(locks: Array<{ lock: string; checkout: string }>, now: Date = new Date()): Promise<IndexLock[]> {
  const present = locks.filter((l) => existsSync(l.lock));
  const checkouts = locks.map((l) => l.checkout);
  if (present.length === 0) return [];
  const processes = await gitProcessDirs();
  const result: IndexLock[] = [];
  for (const l of present) {
    if (processes === null) {
      const age = now.getTime() - (await stat(l.lock)).mtimeMs;
      result.push({ ...l, owner_pid: age < FALLBACK_AGE_MS ? -1 : null });
      continue;
    }
    // A process works in the innermost checkout containing its cwd (task worktrees live inside the main checkout).
    const checkoutOf = (cwd: string) => checkouts.filter((c) => inside(cwd, c)).sort((a, b) => b.length - a.length)[0];
    const owner = processes.map((p) => p.split('\u0000')).find(([, cwd]) => checkoutOf(cwd!) === l.checkout);
    result.push({ ...l, owner_pid: owner ? Number(owner[0]) : null });
  }
  return result;
}

/** Remove the stale ones of `locks` (all checkouts of one repository); returns the removed paths. */
export async function removeStaleIndexLocks(locks: Array<{ lock: string; checkout: string }>): Promise<string[]> {
  const stale = (await classifyIndexLocks(locks)).filter((l) => l.owner_pid === null);
  for (const l of stale) await rm(l.lock, { force: true });
  return stale.map((l) => l.lock);
}
