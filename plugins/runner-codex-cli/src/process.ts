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
  let timedOut = false;
  let interrupted = false;
  let forcedKill = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (graceTimer) return;
    subprocess.kill('SIGINT');
    graceTimer = setTimeout(() => {
      forcedKill = true;
      killGroup(subprocess.pid);
    }, input.graceMs);
  };
  let timeoutTimer: NodeJS.Timeout | undefined;
  let settled = false;
  // The timeout counts from codex's start, not from the supervisor's.
  void subprocess.agentStarted.then(() => {
    if (settled) return;
    timeoutTimer = setTimeout(() => {
      timedOut = true;
      stop();
    }, input.timeoutMs);
  });
  const onAbort = () => {
    interrupted = true;
    stop();
  };
  if (input.signal?.aborted) onAbort();
  else input.signal?.addEventListener('abort', onAbort, { once: true });

  const result = await subprocess;
  settled = true;
  clearTimeout(timeoutTimer);
  if (graceTimer) clearTimeout(graceTimer);
  input.signal?.removeEventListener('abort', onAbort);
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
