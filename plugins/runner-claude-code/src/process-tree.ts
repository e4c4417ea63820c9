/** One row of the process table: what `/proc/<pid>/stat` says about a process. */
export type ProcessRow = { pid: number; ppid: number; pgid: number };

/** Pure: parse `/proc/<pid>/stat` (the command name may hold spaces and parentheses, so split after the last `)`). */
export function parseProcStat(stat: string): ProcessRow | null {
  const close = stat.lastIndexOf(')');
  const pid = Number.parseInt(stat, 10);
  if (close < 0 || !Number.isInteger(pid)) return null;
  // after ") ": state ppid pgrp session ...
  const [, ppid, pgid] = stat.slice(close + 2).split(' ');
  const row = { pid, ppid: Number(ppid), pgid: Number(pgid) };
  return Number.isInteger(row.ppid) && Number.isInteger(row.pgid) ? row : null;
}

/**
 * Pure: the process groups holding `root` and its descendants, except `protectedGroups` (the caller's own).
 * Claude Code starts every Bash tool call in a session of its own, so killing claude's group alone would orphan
 * the tool's processes; each descendant's group is killed instead.
 */
export function descendantGroups(rows: readonly ProcessRow[], root: number, protectedGroups: readonly number[]): number[] {
  const children = new Map<number, ProcessRow[]>();
  for (const row of rows) children.set(row.ppid, [...(children.get(row.ppid) ?? []), row]);
  const groups = new Set<number>();
  const seen = new Set<number>([root]);
  const queue = [root];
  for (const row of rows) if (row.pid === root) groups.add(row.pgid);
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      groups.add(child.pgid);
      queue.push(child.pid);
    }
  }
  return [...groups].filter((g) => g > 1 && !protectedGroups.includes(g)).sort((a, b) => a - b);
}
