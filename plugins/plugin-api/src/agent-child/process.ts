import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { AGENT_RUN_ID_ENV, SUPERVISOR_SCRIPT, resolveAgentExecutable, superviseAgentStart, type AgentSupervision } from '../agent-process/supervision.js';

export { AGENT_RUN_ID_ENV, type AgentSupervision };

export type AgentChildOptions = {
  cwd: string;
  /** Added to the host's environment. */
  env?: Record<string, string>;
  /** Written to the agent's stdin, which is then closed (an agent that exits without reading it is no error). */
  input: string;
  /** The agent's stdout and stderr, byte for byte (each file is created or truncated). */
  stdoutPath: string;
  stderrPath: string;
  /** Sees stdout and stderr live, as UTF-8 text, chunk by chunk, once each chunk is in its file. */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
};

/** How the agent ended: its exit code, or the signal that ended it, or why it never started. */
export type AgentChildExit = {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The spawn failed (e.g. `ENOENT`: no such executable); the agent never ran. */
  spawnError: { code: string | null; message: string } | null;
};

export type AgentChild = {
  /** The group leader's pid (the supervisor's; the agent's own when the command cannot be found). */
  readonly pid: number | undefined;
  /** The agent itself was let start (timeouts count from here, not from the spawn). */
  readonly agentStarted: Promise<void>;
  /**
   * Settles once the process ended and its output is closed and written. Rejects only when writing an output file
   * failed (e.g. `ENOSPC`; the error's `path` names the file).
   */
  readonly exited: Promise<AgentChildExit>;
};

/**
 * Copies one output stream to its file (every byte, as it comes) and, decoded, to `onOutput`. A failed write (a full
 * disk) is handed to `onError` once, naming the file; the stream is still drained, so the agent never blocks on it.
 */
function teeToFile(stream: Readable | null, fd: number, path: string, onText: ((text: string) => void) | undefined, onError: (error: Error) => void): void {
  if (!stream) return;
  const decoder = onText ? new StringDecoder('utf8') : null;
  let failed = false;
  stream.on('data', (chunk: Buffer) => {
    if (!failed) {
      try {
        for (let written = 0; written < chunk.length; ) written += writeSync(fd, chunk, written, chunk.length - written);
      } catch (error) {
        failed = true;
        onError(Object.assign(error as NodeJS.ErrnoException, { path }));
      }
    }
    const text = decoder?.write(chunk);
    if (text) onText!(text);
  });
  stream.on('end', () => {
    const rest = decoder?.end();
    if (rest) onText!(rest);
  });
}

/**
 * `spawnAgent`'s supervision (the agent supervisor leads the agent's own process group, the group is recorded before
 * the agent starts, and the agent never outlives the host) on `node:child_process`, for a runner that gives the agent
 * a prompt on stdin and keeps its output in files: it loads none of execa's ~140 modules (a large part of `run once`'s
 * CPU outside its stage). Never through a shell. A command that cannot be found is spawned as is (in its own process group), so
 * it fails with the spawn error (`ENOENT`).
 */
export function spawnAgentChild(command: string, args: readonly string[], options: AgentChildOptions, supervision: AgentSupervision): AgentChild {
  const executable = resolveAgentExecutable(command, options.cwd, options.env, true);
  const env = { ...process.env, ...options.env, ...(executable === null ? {} : { [AGENT_RUN_ID_ENV]: supervision.runId }) };
  const stdoutFd = openSync(options.stdoutPath, 'w');
  let stderrFd: number;
  try {
    stderrFd = openSync(options.stderrPath, 'w');
  } catch (error) {
    closeSync(stdoutFd);
    throw error;
  }
  let child: ChildProcess;
  try {
    child =
      executable === null
        ? spawn(command, args, { cwd: options.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
        : spawn(process.execPath, [SUPERVISOR_SCRIPT, executable, ...args], { cwd: options.cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  } catch (error) {
    closeSync(stdoutFd);
    closeSync(stderrFd);
    throw error;
  }
  let spawned = false;
  let spawnError: AgentChildExit['spawnError'] = null;
  child.once('spawn', () => (spawned = true));
  const agentStarted =
    executable === null ? new Promise<void>((resolve) => child.once('spawn', () => resolve())) : superviseAgentStart(child, child.stdio[3] as Duplex, supervision);
  let outputError: Error | null = null;
  const exited = new Promise<AgentChildExit>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (!spawned && spawnError === null) spawnError = { code: error.code ?? null, message: error.message };
    });
    child.once('close', (code, signal) => {
      closeSync(stdoutFd);
      closeSync(stderrFd);
      if (outputError) reject(outputError);
      else resolve(spawnError ? { exitCode: null, signal: null, spawnError } : { exitCode: code, signal, spawnError: null });
    });
  });
  const onOutputError = (error: Error) => (outputError ??= error);
  teeToFile(child.stdout, stdoutFd, options.stdoutPath, options.onOutput && ((text) => options.onOutput!(text, 'stdout')), onOutputError);
  teeToFile(child.stderr, stderrFd, options.stderrPath, options.onOutput && ((text) => options.onOutput!(text, 'stderr')), onOutputError);
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(options.input);
  return {
    get pid() {
      return child.pid;
    },
    agentStarted,
    exited,
  };
}
