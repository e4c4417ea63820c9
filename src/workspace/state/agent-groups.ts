import { unlinkSync } from 'node:fs';
import { AgentGroupsFileSchema, type AgentGroupRecord } from '../../contracts/agent-groups.js';
import type { WorkspacePaths } from '../paths.js';
import { writeJsonFileAtomic } from './atomic-write.js';
import { replacedFileKey } from './file-identity.js';
import { readStateFile } from './state-file.js';
import { isSameProcess, processEnvironmentHas, processGroupMembers, readProcStat, type ProcStat } from './proc-table.js';

/** The variable `spawnAgent` puts in every agent's environment (`@millrace/plugin-api/agent-process`). */
const RUN_ID_ENV = 'MILLRACE_AGENT_RUN_ID';

export type AgentGroupsRead = { groups: AgentGroupRecord[]; problem: string | null };

/** `state/agent_process_groups.json`; missing reads as none, an unreadable or invalid file as none plus the problem. */
export async function readAgentGroups(paths: WorkspacePaths): Promise<AgentGroupsRead> {
  const read = readStateFile(paths.agentProcessGroups, paths.workspaceRoot);
  if (read.kind === 'absent') return { groups: [], problem: null };
  if (read.kind === 'refused') return { groups: [], problem: read.reason };
  try {
    const parsed = AgentGroupsFileSchema.safeParse(JSON.parse(read.text));
    if (parsed.success) return { groups: parsed.data.groups, problem: null };
    const issue = parsed.error.issues[0];
    return { groups: [], problem: `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  } catch (error) {
    return { groups: [], problem: (error as Error).message };
  }
}

/**
 * Replace the record file; with no group left it is removed instead (absent reads as none). Replacing an existing file
 * by rename is the costly write on ext4 (the kernel starts writing the new content back at once), and a serial daemon
 * registers and drops one group per stage: removing the emptied file makes both of the stage's writes cheap ones.
 * Whatever cannot simply be removed (a directory in its place) is replaced as before, which reports it.
 */
async function writeAgentGroups(paths: WorkspacePaths, groups: AgentGroupRecord[]): Promise<void> {
  if (groups.length === 0) {
    try {
      unlinkSync(paths.agentProcessGroups);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    }
  }
  await writeJsonFileAtomic(paths.agentProcessGroups, AgentGroupsFileSchema.parse({ schema_version: '1.0', kind: 'agent_process_groups', groups }));
}

export type AgentGroupStore = {
  /** Record a stage agent's group (durably, before its agent starts). */
  register(group: { pid: number; run_id: string }): Promise<void>;
  /** End whatever is left of a finished stage's groups and drop their records. */
  finishRun(runId: string): Promise<void>;
};


/**
 * This process's records, written one change at a time (stages of parallel lanes may register concurrently). Two
 * changes per stage: the records it wrote last are reused while the file is still the one it wrote (one stat instead
 * of a read and a parse), and its own start time is read once.
 */
export function createAgentGroupStore(paths: WorkspacePaths, now: () => Date): AgentGroupStore {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(change: () => Promise<T>): Promise<T> => {
    const next = queue.then(change, change);
    queue = next.catch(() => undefined);
    return next;
  };
  let ownerStart: Promise<ProcStat | null> | null = null;
  /** What this process last wrote and the file's key after it (null: it removed the file). */
  let written: { key: string | null; groups: AgentGroupRecord[] } | null = null;
  const current = async (): Promise<AgentGroupRecord[]> => {
    if (written !== null && replacedFileKey(paths.agentProcessGroups) === written.key) return written.groups;
    written = null;
    return (await readAgentGroups(paths)).groups;
  };
  const save = async (groups: AgentGroupRecord[]): Promise<void> => {
    written = null;
    await writeAgentGroups(paths, groups);
    const key = replacedFileKey(paths.agentProcessGroups);
    if (key !== null || groups.length === 0) written = { key, groups };
  };
  return {
    register: ({ pid, run_id }) =>
      serial(async () => {
        const [leader, owner] = await Promise.all([readProcStat(pid), (ownerStart ??= readProcStat(process.pid))]);
        const record: AgentGroupRecord = {
          pid,
          start_time: leader?.startTime ?? null,
          run_id,
          owner_pid: process.pid,
          owner_start_time: owner?.startTime ?? null,
          registered_at: now().toISOString(),
        };
        const groups = await current();
        await save([...groups.filter((g) => g.pid !== pid), record]);
      }),
    finishRun: (runId) =>
      serial(async () => {
        const groups = await current();
        const mine = groups.filter((g) => g.run_id === runId && g.owner_pid === process.pid);
        if (mine.length === 0) return;
        for (const group of mine) await endAgentGroup(group, 2000);
        await save(groups.filter((g) => !mine.includes(g)));
      }),
  };
}

/**
 * The group's processes that are provably this record's: all of them while the leader is the recorded process
 * (same pid and start time); once the leader is gone, only members started after it whose environment names the run.
 */
async function verifiedMembers(group: AgentGroupRecord): Promise<{ members: ProcStat[]; leaderAlive: boolean }> {
  const members = await processGroupMembers(group.pid);
  const leader = members.find((m) => m.pid === group.pid);
  if (leader && group.start_time !== null && leader.startTime === group.start_time) return { members, leaderAlive: true };
  const ours: ProcStat[] = [];
  for (const member of members) {
    if (member.pid === group.pid) continue;
    const startedAfter = group.start_time === null || BigInt(member.startTime) >= BigInt(group.start_time);
    if (startedAfter && (await processEnvironmentHas(member.pid, RUN_ID_ENV, group.run_id))) ours.push(member);
  }
  return { members: ours, leaderAlive: false };
}

function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // gone already
  }
}

async function stillAlive(members: ProcStat[]): Promise<ProcStat[]> {
  const alive: ProcStat[] = [];
  for (const m of members) if (await isSameProcess(m.pid, m.startTime)) alive.push(m);
  return alive;
}

export type EndedAgentGroup = { pid: number; run_id: string; processes: number; forced: boolean };

/** SIGTERM the verified processes of a group, wait up to `graceMs`, SIGKILL what is left. */
export async function endAgentGroup(group: AgentGroupRecord, graceMs: number): Promise<EndedAgentGroup> {
  const { members, leaderAlive } = await verifiedMembers(group);
  const result: EndedAgentGroup = { pid: group.pid, run_id: group.run_id, processes: members.length, forced: false };
  if (members.length === 0) return result;
  const send = (sig: NodeJS.Signals, targets: ProcStat[]) => {
    if (leaderAlive) signal(-group.pid, sig);
    else for (const m of targets) signal(m.pid, sig);
  };
  send('SIGTERM', members);
  const deadline = Date.now() + graceMs;
  let alive = await stillAlive(members);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    alive = await stillAlive(alive);
  }
  if (alive.length > 0) {
    result.forced = true;
    send('SIGKILL', alive);
  }
  return result;
}

export type OrphanReaping = { ended: EndedAgentGroup[]; kept: AgentGroupRecord[]; problem: string | null };

/**
 * Startup, before any recovery: end every recorded group whose owner daemon is dead (verifying each process's
 * identity first, so an unrelated process that reuses a pid is never signalled). Records of a live owner stay.
 */
export async function reapOrphanAgentGroups(paths: WorkspacePaths, graceMs = 5000): Promise<OrphanReaping> {
  const { groups, problem } = await readAgentGroups(paths);
  const ended: EndedAgentGroup[] = [];
  const kept: AgentGroupRecord[] = [];
  for (const group of groups) {
    const ownerAlive = group.owner_pid !== process.pid && (await isSameProcess(group.owner_pid, group.owner_start_time));
    if (ownerAlive) kept.push(group);
    else ended.push(await endAgentGroup(group, graceMs));
  }
  if (groups.length > 0 || problem !== null) await writeAgentGroups(paths, kept);
  return { ended, kept, problem };
}

/** A recorded agent process group that outlived its owner daemon, with its verified live processes. */
export type OrphanAgentGroup = { pid: number; run_id: string; owner_pid: number; processes: number };

/**
 * Read-only (for `doctor`): recorded groups whose owner is dead and that still have processes provably theirs
 * (the same identity check as reaping). Records of a live owner, and of groups already gone, are not orphans.
 */
export async function findOrphanAgentGroups(paths: WorkspacePaths): Promise<OrphanAgentGroup[]> {
  const { groups } = await readAgentGroups(paths);
  const orphans: OrphanAgentGroup[] = [];
  for (const group of groups) {
    if (await isSameProcess(group.owner_pid, group.owner_start_time)) continue;
    const { members } = await verifiedMembers(group);
    if (members.length > 0) orphans.push({ pid: group.pid, run_id: group.run_id, owner_pid: group.owner_pid, processes: members.length });
  }
  return orphans;
}
