import { execa } from 'execa';

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

/** The one child-process call of this plugin: prompt on stdin, output to files, timeout/abort kill the whole tree. */
export async function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const startedAt = new Date();
  const child = execa(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    input: spec.input,
    stdout: { file: spec.stdoutPath },
    stderr: { file: spec.stderrPath },
    detached: true,
    reject: false,
    stripFinalNewline: false,
  });
  let timedOut = false;
  let aborted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child.pid);
  }, spec.timeoutMs);
  const onAbort = () => {
    aborted = true;
    killTree(child.pid);
  };
  if (spec.signal?.aborted) onAbort();
  spec.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await child;
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
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
  }
}
