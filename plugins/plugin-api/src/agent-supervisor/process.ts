import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { constants } from 'node:os';

/**
 * The agent supervisor: started by `spawnAgent` as the leader of the stage's process group, between the host and the
 * agent. It starts the agent (argv after the script) only once the host has recorded the group and written a line on
 * fd 3 (and answers a line once the agent runs), relays the agent's exit code or signal, and ends the whole group (SIGTERM, grace, SIGKILL) as soon as fd 3
 * reaches EOF or its parent changes: the host died, and an agent must never outlive it.
 */
const GRACE_MS = Number(process.env.MILLRACE_AGENT_GRACE_MS ?? '') || 3000;
const RELAYED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

const [command, ...args] = process.argv.slice(2);
const parentAtStart = process.ppid;
const control = new Socket({ fd: 3, readable: true, writable: true });
let child: ChildProcess | null = null;
let ending = false;
let received = '';

function signalGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // the group is gone
  }
}

/** The host is gone: end every process of the group, this supervisor last (SIGKILL of the group includes it). */
function endGroup(): void {
  if (ending) return;
  ending = true;
  if (!child) process.exit(125);
  signalGroup('SIGTERM');
  setTimeout(() => {
    signalGroup('SIGKILL');
    process.exit(137);
  }, GRACE_MS);
}

function start(): void {
  if (child || ending || command === undefined) return;
  // fd 3 is not handed on: only the supervisor watches the host.
  child = spawn(command, args, { stdio: ['inherit', 'inherit', 'inherit', 'ignore'] });
  child.once('spawn', () => control.write('started\n'));
  child.once('error', (error) => {
    process.stderr.write(`millrace agent supervisor: cannot start ${command}: ${error.message}\n`);
    process.exit(127);
  });
  child.once('exit', (code, signal) => {
    if (ending) {
      signalGroup('SIGKILL');
      process.exit(137);
    }
    control.destroy();
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      // A signal Node ignores by default (SIGPIPE) would not end us: fall back to the shell convention.
      setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200).unref();
      return;
    }
    process.exit(code ?? 1);
  });
}

for (const signal of RELAYED) {
  process.on(signal, () => {
    if (ending) return;
    if (child) child.kill(signal);
    else process.exit(128 + (constants.signals[signal] ?? 0));
  });
}

control.on('data', (chunk: Buffer) => {
  received += chunk.toString('utf8');
  if (received.includes('\n')) start();
});
control.once('end', endGroup);
control.once('close', endGroup);
control.once('error', endGroup);
setInterval(() => {
  if (process.ppid !== parentAtStart) endGroup();
}, 500).unref();
