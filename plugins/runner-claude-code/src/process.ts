import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { armStageDeadline } from '@millrace/plugin-api';
import { spawnAgent, type AgentSupervision } from '@millrace/plugin-api/agent-process';
import type { ProcessOutcome } from './outcome.js';
import { descendantGroups, parseProcStat, type ProcessRow } from './process-tree.js';

export type SpawnClaudeInput = {
  argv: string[];
  cwd: string;
  /** Overlaid on the parent's environment. */
  env: Record<string, string>;
  /** Written to claude's stdin, which is then closed. */
  prompt: string;
  timeoutMs: number;
  /** Time claude gets after SIGINT before every process of its tree is killed. */
  graceMs: number;
  /** Raw stdout (the stream-json event log) is copied here as it arrives. */
  eventLogPath: string;
  stderrPath: string;
  /** Every stdout chunk, in order, as it arrives. */
  onStdout: (chunk: Uint8Array) => void;
  signal?: AbortSignal;
  supervision: AgentSupervision;
};

export type SpawnClaudeResult = ProcessOutcome & { startedAt: Date; endedAt: Date };

/** The process table from /proc (empty where there is no /proc: only claude's own group is then killed). */
async function readProcessTable(): Promise<ProcessRow[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const rows = await Promise.all(
    entries.filter((e) => /^\d+$/.test(e)).map(async (pid) => parseProcStat((await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')) || '')),
  );
  return rows.filter((r): r is ProcessRow => r !== null);
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * The one place claude is launched: never through a shell, prompt on stdin, in its own process group under the agent
 * supervisor (`spawnAgent`), stdout read incrementally. A timeout or an abort (an operator stop, or the host's stall
 * detection) sends SIGINT (claude then ends its tool calls itself); after the grace period every process group of
 * claude's tree is killed. Tool calls run in sessions of their own, so the tree is recorded before the SIGINT, while
 * the tools are still claude's children.
 */
export async function spawnClaude(input: SpawnClaudeInput): Promise<SpawnClaudeResult> {
  const [command = '', ...args] = input.argv;
  const startedAt = new Date();
  const eventLog = createWriteStream(input.eventLogPath);
  const subprocess = spawnAgent(command, args, {
    cwd: input.cwd,
    env: input.env,
    extendEnv: true,
    shell: false,
    input: input.prompt,
    stdout: 'pipe',
    stderr: { file: input.stderrPath },
    buffer: false,
    encoding: 'buffer',
    cleanup: false,
    reject: false,
  }, input.supervision);
  const groups = new Set<number>();

  const recordTree = async () => {
    const pid = subprocess.pid;
    if (pid === undefined) return;
    groups.add(pid);
    const table = await readProcessTable();
    // never our own group (a tool process could not join it, but a reused pid must not take us down)
    const own = table.filter((row) => row.pid === process.pid).map((row) => row.pgid);
    for (const g of descendantGroups(table, pid, [process.pid, ...own])) groups.add(g);
  };
  const killTree = () => {
    for (const g of groups) killGroup(g);
  };
  subprocess.stdout?.on('data', (chunk: Uint8Array) => {
    eventLog.write(chunk);
    input.onStdout(chunk);
  });
  const deadline = armStageDeadline({
    started: subprocess.agentStarted,
    timeoutMs: input.timeoutMs,
    signal: input.signal,
    requestStop: () => void recordTree().then(() => subprocess.kill('SIGINT')),
    grace: { ms: input.graceMs, forceKill: () => void recordTree().then(killTree) },
  });
  const result = await subprocess;
  deadline.settle();
  const { timedOut, aborted: interrupted, forcedKill } = deadline;
  // After a stop, leave nothing of the tree behind (claude may exit before the tools it started).
  if (timedOut || interrupted) killTree();
  await new Promise<void>((resolve) => eventLog.end(() => resolve()));
  const endedAt = new Date();

  const spawnFailed = result.exitCode === undefined && result.signal === undefined;
  const code = (result as { code?: string }).code;
  return {
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    timedOut,
    interrupted: interrupted && !timedOut,
    binaryNotFound: spawnFailed && code === 'ENOENT',
    spawnError: spawnFailed && code !== 'ENOENT' ? (result.originalMessage ?? result.shortMessage ?? 'spawn failed') : null,
    forcedKill,
    startedAt,
    endedAt,
  };
}
