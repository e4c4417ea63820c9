import { existsSync, readFileSync, readdirSync } from 'node:fs';

// /proc is read synchronously: its files are generated in memory, never wait on a disk, and a thread-pool round trip
// per read (fs/promises reads a size-0 /proc file in several) cost more than the read itself.
const readProcFile = (path: string): Buffer | null => {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
};

/** What `/proc/<pid>/stat` says about a process: its state letter, process group and start time (clock ticks since boot). */
export type ProcStat = { pid: number; state: string; pgid: number; startTime: string };

/** Parse a `/proc/<pid>/stat` line; the command name (field 2) may hold spaces and parentheses, so fields are counted after its last `)`. */
export function parseProcStat(pid: number, text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state): field 5 (pgrp) is fields[2], field 22 (starttime) is fields[19].
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  if (!Number.isInteger(pgid) || startTime === undefined || !/^\d+$/.test(startTime)) return null;
  return { pid, state: fields[0] ?? '?', pgid, startTime };
}

/**
 * The process's stat, or null when it does not run: it does not exist (or /proc is absent), or it is a zombie
 * (dead, waiting for a parent to reap it; containers whose init never reaps keep those around).
 */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const bytes = readProcFile(`/proc/${pid}/stat`);
  const stat = bytes === null ? null : parseProcStat(pid, bytes.toString('utf8'));
  return stat && stat.state !== 'Z' && stat.state !== 'X' ? stat : null;
}

/**
 * Whether any process (a zombie included) is in process group `pgid`: signal 0 checks without signalling. Lets the
 * common case, a stage whose processes have all exited, skip reading the stat of every process on the machine, which
 * cost tens of milliseconds per stage on a busy host.
 */
function processGroupMayExist(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return true; // -1 and -0 mean other things to kill(): scan instead
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Every live process whose process group is `pgid`. */
export async function processGroupMembers(pgid: number): Promise<ProcStat[]> {
  if (!processGroupMayExist(pgid)) return [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    entries = [];
  }
  const members: ProcStat[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readProcStat(Number(entry));
    if (stat?.pgid === pgid) members.push(stat);
  }
  return members;
}

/** Whether the process's environment holds `name=value` (false when it cannot be read). */
export async function processEnvironmentHas(pid: number, name: string, value: string): Promise<boolean> {
  const environ = readProcFile(`/proc/${pid}/environ`);
  return environ !== null && environ.toString('utf8').split('\0').includes(`${name}=${value}`);
}

/** Whether `pid` runs and is the process that started at `startTime` (a reused pid is another process). */
export async function isSameProcess(pid: number, startTime: string | null): Promise<boolean> {
  if (existsSync(`/proc/${pid}`) || startTime !== null) {
    const stat = await readProcStat(pid);
    return stat !== null && (startTime === null || stat.startTime === startTime);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
