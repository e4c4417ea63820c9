import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import { execa, type Options, type ResultPromise } from 'execa';
import type { AgentGroupRegistry } from '../contributions.js';
import { findExecutable } from '../executable.js';

/** Environment variable naming the run a stage agent works for (the host checks it before it signals a group). */
export const AGENT_RUN_ID_ENV = 'MILLRACE_AGENT_RUN_ID';

const SUPERVISOR = fileURLToPath(new URL('../agent-supervisor/process.js', import.meta.url));

export type AgentSupervision = {
  runId: string;
  /** The host's record of process groups (`RunnerContext.agentGroups`); absent outside a host. */
  registry?: AgentGroupRegistry;
};

/** The execa subprocess, plus the moment the agent itself was let start (timeouts count from there, not from the spawn). */
export type AgentSubprocess<O extends AgentSpawnOptions> = ResultPromise<O> & { readonly agentStarted: Promise<void> };

/** What `execa` accepts, minus the settings the supervision owns (the extra control fd and the process group). */
export type AgentSpawnOptions = Omit<Options, 'stdio' | 'detached' | 'ipc' | 'ipcInput' | 'serialization'>;

/** The executable `command` names (a path, or a name looked up on PATH), or null when none exists. */
function resolveExecutable(command: string, options: AgentSpawnOptions): string | null {
  const cwd = typeof options.cwd === 'string' ? options.cwd : options.cwd ? fileURLToPath(options.cwd) : process.cwd();
  const env = options.env as Record<string, string | undefined> | undefined;
  return findExecutable(command, { cwd, path: env?.PATH ?? (options.extendEnv === false ? '' : process.env.PATH) ?? '' });
}

/**
 * The one way a stage agent is started: never through a shell, as `execa(command, args, options)` would, but under the
 * agent supervisor, which leads the agent's own process group. The agent only starts once the host has recorded the
 * group (`supervision.registry`), and the supervisor ends the whole group within a few seconds once the host process
 * dies, so no agent outlives its daemon. Signals sent to the returned subprocess reach the agent; its exit code or
 * signal is the subprocess's. A command that cannot be found is spawned as is, so it fails exactly like execa's own.
 */
export function spawnAgent<const O extends AgentSpawnOptions>(command: string, args: readonly string[], options: O, supervision: AgentSupervision): AgentSubprocess<O> {
  const executable = resolveExecutable(command, options);
  if (executable === null) {
    const direct = execa(command, args, { ...options, detached: true } as Options);
    return Object.assign(direct, { agentStarted: new Promise<void>((resolve) => direct.once('spawn', () => resolve())) }) as unknown as AgentSubprocess<O>;
  }
  const { stdin = 'pipe', stdout = 'pipe', stderr = 'pipe', env, ...rest } = options as Options;
  const subprocess = execa(process.execPath, [SUPERVISOR, executable, ...args], {
    ...rest,
    env: { ...(env ?? {}), [AGENT_RUN_ID_ENV]: supervision.runId },
    shell: false,
    detached: true,
    stdio: [stdin, stdout, stderr, 'pipe'],
  } as Options);
  const control = subprocess.stdio[3] as unknown as Duplex;
  control.on('error', () => undefined);
  const agentStarted = new Promise<void>((resolve) => {
    let answer = '';
    control.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      if (answer.includes('started\n')) resolve();
    });
  });
  subprocess.once('spawn', () => {
    const pid = subprocess.pid;
    if (pid === undefined) return;
    const registered = supervision.registry ? supervision.registry.register({ pid, run_id: supervision.runId }) : Promise.resolve();
    registered.then(
      () => control.write('start\n'),
      () => control.destroy(),
    );
  });
  return Object.assign(subprocess, { agentStarted }) as unknown as AgentSubprocess<O>;
}
