import { fileURLToPath } from 'node:url';
import type { Duplex } from 'node:stream';
import type { AgentGroupRegistry } from '../contributions.js';
import { findExecutable } from '../executable.js';

/** Environment variable naming the run a stage agent works for (the host checks it before it signals a group). */
export const AGENT_RUN_ID_ENV = 'MILLRACE_AGENT_RUN_ID';

/** The agent supervisor's script (its own file, run by a fresh Node process). */
export const SUPERVISOR_SCRIPT = fileURLToPath(new URL('../agent-supervisor/process.js', import.meta.url));

export type AgentSupervision = {
  runId: string;
  /** The host's record of process groups (`RunnerContext.agentGroups`); absent outside a host. */
  registry?: AgentGroupRegistry;
};

/** The executable `command` names (a path, or a name looked up on PATH), or null when none exists. */
export function resolveAgentExecutable(command: string, cwd: string | URL | undefined, env: Record<string, string | undefined> | undefined, extendEnv: boolean): string | null {
  const dir = typeof cwd === 'string' ? cwd : cwd ? fileURLToPath(cwd) : process.cwd();
  return findExecutable(command, { cwd: dir, path: env?.PATH ?? (extendEnv ? process.env.PATH : '') ?? '' });
}

/**
 * The host's side of the supervisor's handshake on the control pipe (fd 3), for a supervisor just spawned: once it
 * runs, record its group (`supervision.registry`), then tell it to start the agent; resolves when it answers that the
 * agent runs. A failed record closes the pipe, so the supervisor ends without starting the agent.
 */
export function superviseAgentStart(subprocess: { pid?: number | undefined; once(event: 'spawn', listener: () => void): unknown }, control: Duplex, supervision: AgentSupervision): Promise<void> {
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
  return agentStarted;
}
