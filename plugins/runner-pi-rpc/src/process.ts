import { spawnAgent, type AgentSupervision } from '@millrace/plugin-api/agent-process';
import type { PiCommandLine } from './argv.js';

/** The running pi process as the session sees it: no streams leak out, only what the protocol needs. */
export type PiProcess = {
  readonly pid: number;
  /** Subscribe once to stdout chunks and its end (EOF). */
  readStdout(onChunk: (chunk: Uint8Array) => void, onEnd: () => void): void;
  writeLine(line: string): Promise<void>;
  closeStdin(): void;
  stderrText(): string;
  isRunning(): boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Resolves true once the process exited, false if it is still running after `ms`. */
  waitForExit(ms: number): Promise<boolean>;
  /** Signal pi's whole process group (pi is started as a group leader). */
  signalGroup(signal: NodeJS.Signals): void;
};

export type SpawnPiResult = { kind: 'spawned'; process: PiProcess } | { kind: 'not_found'; message: string } | { kind: 'error'; message: string };

const MAX_STDERR_CHARS = 4 * 1024 * 1024;

/** The one place this plugin starts a child process: never through a shell, in its own process group under the agent supervisor. */
export async function spawnPiProcess(commandLine: PiCommandLine, options: { cwd: string; env: Record<string, string>; supervision: AgentSupervision }): Promise<SpawnPiResult> {
  const child = spawnAgent(commandLine.command, commandLine.args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: true,
    shell: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    encoding: 'buffer',
  }, options.supervision);
  let exited = false;
  let stderr = '';
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  child.stdin?.on('error', () => undefined);
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < MAX_STDERR_CHARS) stderr += chunk.toString('utf8');
  });

  const started = await Promise.race([
    // Spawned means pi itself was let start (the session's timeouts count from there).
    child.agentStarted.then(() => 'spawned' as const),
    child.then((result) => result),
  ]);
  if (started !== 'spawned' || child.pid === undefined) {
    const failure = started === 'spawned' ? undefined : started;
    const code = (failure as { code?: string } | undefined)?.code;
    const message = failure?.originalMessage || failure?.shortMessage || 'pi process failed to start';
    return code === 'ENOENT' ? { kind: 'not_found', message } : { kind: 'error', message };
  }
  const pid = child.pid;
  // Keep the settled execa promise from surfacing as an unhandled rejection.
  void child.catch(() => undefined);

  return {
    kind: 'spawned',
    process: {
      pid,
      readStdout(onChunk, onEnd) {
        const stdout = child.stdout;
        if (!stdout) return onEnd();
        stdout.on('data', (chunk: Buffer) => onChunk(chunk));
        stdout.once('end', onEnd);
        stdout.once('error', onEnd);
      },
      writeLine(line) {
        return new Promise((resolve, reject) => {
          const stdin = child.stdin;
          if (!stdin || stdin.destroyed || stdin.writableEnded) return reject(new Error('pi stdin is closed'));
          stdin.write(`${line}\n`, (error) => (error ? reject(error) : resolve()));
        });
      },
      closeStdin() {
        if (child.stdin && !child.stdin.writableEnded) child.stdin.end();
      },
      stderrText: () => stderr,
      isRunning: () => !exited,
      exited: exitedPromise,
      async waitForExit(ms) {
        if (exited) return true;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
        const result = await Promise.race([exitedPromise.then(() => true as const), timedOut]);
        clearTimeout(timer);
        return result;
      },
      signalGroup(signal) {
        try {
          process.kill(-pid, signal);
        } catch {
          // ESRCH: the group is already gone.
        }
      },
    },
  };
}
