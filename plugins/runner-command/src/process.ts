import { armStageDeadline } from '@millrace/plugin-api';
import { spawnAgentChild, type AgentSupervision } from '@millrace/plugin-api/agent-child';

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

/**
 * The one child-process call of this plugin: prompt on stdin, output to files, timeout/abort kill the whole tree (its
 * own process group, under the agent supervisor). On `node:child_process` (`spawnAgentChild`), not execa: loading
 * execa was a large part of the CPU `run once` spent outside the stage.
 */
export async function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const startedAt = new Date();
  const child = spawnAgentChild(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    input: spec.input,
    stdoutPath: spec.stdoutPath,
    stderrPath: spec.stderrPath,
    ...(spec.onOutput ? { onOutput: spec.onOutput } : {}),
  }, spec.supervision);
  const deadline = armStageDeadline({ started: child.agentStarted, timeoutMs: spec.timeoutMs, signal: spec.signal, requestStop: () => killTree(child.pid) });
  try {
    const exit = await child.exited;
    deadline.settle();
    const { timedOut, aborted } = deadline;
    // Ended by a signal nobody here sent: the process did not run to an exit code (as a spawn failure, no exit code).
    const killed = exit.signal !== null && !timedOut && !aborted ? { code: null, message: `runner process was killed with ${exit.signal}` } : null;
    return {
      exitCode: exit.exitCode,
      timedOut,
      aborted,
      spawnError: timedOut || aborted ? null : (exit.spawnError ?? killed),
      startedAt,
      endedAt: new Date(),
    };
  } finally {
    deadline.settle();
  }
}
