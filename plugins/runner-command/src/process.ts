import { armStageDeadline } from '@millrace/plugin-api';
import { spawnAgent, type AgentSupervision } from '@millrace/plugin-api/agent-process';

export type ProcessOutcome = {
  exitCode: number | null;
  timedOut: boolean;
  aborted: boolean;
  /** Spawn failure (e.g. ENOENT) message, if the process never ran. */
  spawnError: { code: string | null; message: string } | null;
  startedAt: Date;
  endedAt: Date;
};

export type ProcessSpec = {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  input: string;
  stdoutPath: string;
  stderrPath: string;
  timeoutMs: number;
  signal?: AbortSignal;
  supervision: AgentSupervision;
  /** Sees stdout and stderr live, chunk by chunk, while they are also written to their files. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
};

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL'); // the child leads its own process group (detached)
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** The one child-process call of this plugin: prompt on stdin, output to files, timeout/abort kill the whole tree (its own process group, under the agent supervisor). */
export async function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const startedAt = new Date();
  const child = spawnAgent(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    input: spec.input,
    stdout: spec.onOutput ? [{ file: spec.stdoutPath }, 'pipe'] : { file: spec.stdoutPath },
    stderr: spec.onOutput ? [{ file: spec.stderrPath }, 'pipe'] : { file: spec.stderrPath },
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  }, spec.supervision);
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => spec.onOutput?.(chunk, 'stdout'));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => spec.onOutput?.(chunk, 'stderr'));
  const deadline = armStageDeadline({ started: child.agentStarted, timeoutMs: spec.timeoutMs, signal: spec.signal, requestStop: () => killTree(child.pid) });
  try {
    const result = await child;
    deadline.settle();
    const { timedOut, aborted } = deadline;
    const code = (result as { code?: string }).code ?? null;
    const spawnFailed = result.exitCode === undefined && !timedOut && !aborted && result.failed;
    return {
      exitCode: result.exitCode ?? null,
      timedOut,
      aborted,
      spawnError: spawnFailed ? { code, message: result.shortMessage ?? result.message ?? 'spawn failed' } : null,
      startedAt,
      endedAt: new Date(),
    };
  } finally {
    deadline.settle();
  }
}
