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

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * The one place codex is launched: never through a shell, stdin ignored (codex blocks on an open stdin pipe),
 * in its own process group under the agent supervisor (`spawnAgent`). A timeout or an abort sends SIGINT first (codex then stops its running tool; SIGTERM
 * would orphan it) and kills the whole group if codex has not exited after the grace period.
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
    requestStop: () => subprocess.kill('SIGINT'),
    grace: { ms: input.graceMs, forceKill: () => killGroup(subprocess.pid) },
  });
  const result = await subprocess;
  deadline.settle();
  const { timedOut, aborted: interrupted, forcedKill } = deadline;
  // After a stop, leave nothing of the group behind (the wrapper may exit before its native child).
  if (timedOut || interrupted) killGroup(subprocess.pid);
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
