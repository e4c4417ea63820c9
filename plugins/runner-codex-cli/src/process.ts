import { closeSync, openSync, readSync } from 'node:fs';
import { armStageDeadline } from '@millrace/plugin-api';
import { spawnAgent, type AgentSupervision } from '@millrace/plugin-api/agent-process';
import type { ProcessOutcome } from './outcome.js';

export type SpawnCodexInput = {
  argv: string[];
  cwd: string;
  /** Overlaid on the parent's environment. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Time codex gets after SIGINT before its whole process group is killed. */
  graceMs: number;
  /** JSONL event stream (codex stdout) goes here. */
  stdoutPath: string;
  stderrPath: string;
  signal?: AbortSignal;
  supervision: AgentSupervision;
  /** Sees the event stream live, chunk by chunk, while it is also written to `stdoutPath`. */
  onStdout?: (chunk: string) => void;
};

export type SpawnCodexResult = ProcessOutcome & { startedAt: Date; endedAt: Date };

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Bytes of the event stream searched for the turn start; only the thread start and start-up notices come before it. */
const TURN_START_SEARCH_BYTES = 64 * 1024;

/** Whether codex has printed `turn.started` to its event stream (read from the start of the file, bounded). */
export function turnStarted(stdoutPath: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(stdoutPath, 'r');
    const head = Buffer.alloc(TURN_START_SEARCH_BYTES);
    const length = readSync(fd, head, 0, head.length, 0);
    return /"type"\s*:\s*"turn\.started"/.test(head.toString('utf8', 0, length));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * How to ask codex to stop. Once its turn runs, SIGINT to the whole group (as a terminal's Ctrl-C): codex interrupts
 * the turn and its running tool, where SIGTERM would orphan the tool. Before that, SIGTERM: codex acts on only the
 * first SIGINT it catches, and one caught while it is still starting its turn is dropped (seen on a loaded machine:
 * every later SIGINT was ignored until the grace kill), and nothing is running yet that needs a graceful stop.
 */
export const stopSignal = (stdoutPath: string): NodeJS.Signals => (turnStarted(stdoutPath) ? 'SIGINT' : 'SIGTERM');

/**
 * The one place codex is launched: never through a shell, stdin ignored (codex blocks on an open stdin pipe),
 * in its own process group under the agent supervisor (`spawnAgent`). A timeout or an abort asks the group to stop
 * (`stopSignal`) and kills it if codex has not exited after the grace period.
 */
export async function spawnCodex(input: SpawnCodexInput): Promise<SpawnCodexResult> {
  const [command = '', ...args] = input.argv;
  const startedAt = new Date();
  const subprocess = spawnAgent(command, args, {
    cwd: input.cwd,
    env: input.env,
    extendEnv: true,
    shell: false,
    stdin: 'ignore',
    stdout: input.onStdout ? [{ file: input.stdoutPath }, 'pipe'] : { file: input.stdoutPath },
    buffer: false,
    stderr: { file: input.stderrPath },
    cleanup: false,
    reject: false,
    stripFinalNewline: false,
  }, input.supervision);
  subprocess.stdout?.setEncoding('utf8').on('data', (chunk: string) => input.onStdout?.(chunk));
  const deadline = armStageDeadline({
    started: subprocess.agentStarted,
    timeoutMs: input.timeoutMs,
    signal: input.signal,
    requestStop: () => signalGroup(subprocess.pid, stopSignal(input.stdoutPath)),
    grace: { ms: input.graceMs, forceKill: () => signalGroup(subprocess.pid, 'SIGKILL') },
  });
  const result = await subprocess;
  deadline.settle();
  const { timedOut, aborted: interrupted, forcedKill } = deadline;
  // After a stop, leave nothing of the group behind (the wrapper may exit before its native child).
  if (timedOut || interrupted) signalGroup(subprocess.pid, 'SIGKILL');
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
