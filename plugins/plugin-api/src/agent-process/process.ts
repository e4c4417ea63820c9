import type { Duplex } from 'node:stream';
import { execa, type Options, type ResultPromise } from 'execa';
import { AGENT_RUN_ID_ENV, SUPERVISOR_SCRIPT, resolveAgentExecutable, superviseAgentStart, type AgentSupervision } from './supervision.js';

export { AGENT_RUN_ID_ENV, type AgentSupervision };

/** The execa subprocess, plus the moment the agent itself was let start (timeouts count from there, not from the spawn). */
export type AgentSubprocess<O extends AgentSpawnOptions> = ResultPromise<O> & { readonly agentStarted: Promise<void> };

/** What `execa` accepts, minus the settings the supervision owns (the extra control fd and the process group). */
export type AgentSpawnOptions = Omit<Options, 'stdio' | 'detached' | 'ipc' | 'ipcInput' | 'serialization'>;

/**
 * The one way a stage agent is started: never through a shell, as `execa(command, args, options)` would, but under the
 * agent supervisor, which leads the agent's own process group. The agent only starts once the host has recorded the
 * group (`supervision.registry`), and the supervisor ends the whole group within a few seconds once the host process
 * dies, so no agent outlives its daemon. Signals sent to the returned subprocess reach the agent; its exit code or
 * signal is the subprocess's. A command that cannot be found is spawned as is, so it fails exactly like execa's own.
 * A runner that needs none of execa's options may use `spawnAgentChild` (`@millrace/plugin-api/agent-child`): the same
 * supervision on `node:child_process`, without loading execa.
 */
export function spawnAgent<const O extends AgentSpawnOptions>(command: string, args: readonly string[], options: O, supervision: AgentSupervision): AgentSubprocess<O> {
  const executable = resolveAgentExecutable(command, options.cwd, options.env as Record<string, string | undefined> | undefined, options.extendEnv !== false);
  if (executable === null) {
    const direct = execa(command, args, { ...options, detached: true } as Options);
    return Object.assign(direct, { agentStarted: new Promise<void>((resolve) => direct.once('spawn', () => resolve())) }) as unknown as AgentSubprocess<O>;
  }
  const { stdin = 'pipe', stdout = 'pipe', stderr = 'pipe', env, ...rest } = options as Options;
  const subprocess = execa(process.execPath, [SUPERVISOR_SCRIPT, executable, ...args], {
    ...rest,
    env: { ...(env ?? {}), [AGENT_RUN_ID_ENV]: supervision.runId },
    shell: false,
    detached: true,
    stdio: [stdin, stdout, stderr, 'pipe'],
  } as Options);
  const agentStarted = superviseAgentStart(subprocess, subprocess.stdio[3] as unknown as Duplex, supervision);
  return Object.assign(subprocess, { agentStarted }) as unknown as AgentSubprocess<O>;
}
