import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { stageInPrompt, startFakeModelServer, type FakeModelServer } from '@millrace/plugin-api/testing';
import { HERMETIC_PI_ARGS, REAL_PI, writePiAgentDir } from '../support/pi-agent-dir.js';
import { until } from '../../../../test/support/wait.js';

// A real daemon running the real pi binary is SIGKILLed while pi waits mid-response on the fake model: the agent
// supervisor ends pi's whole process group within seconds, with no new daemon started.
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = join(REPO, 'bin/run.js');

const TASK = ['---', 'task_id: T-PI-ORPHAN', 'title: Hang mid-stage', 'created_at: 2026-11-27T12:00:00Z', 'created_by: e2e', 'target_paths: [a.txt]', 'acceptance: [none]', 'required_checks: [none]', 'references: [none]', 'risk: [low]', '---', 'Wait.', ''].join('\n');

/** Live (non-zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat = '';
    try {
      stat = existsSync(`/proc/${entry}/stat`) ? readFileSync(`/proc/${entry}/stat`, 'utf8') : '';
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') pids.push(Number(entry));
  }
  return pids;
}

let server: FakeModelServer;
let root: string;
beforeAll(async () => {
  // The first chunk arrives, then the stream hangs: pi is mid-response when the daemon dies.
  server = await startFakeModelServer({ script: () => ({ steps: [{ text: 'Working on it, still working, more to come.\n### BUILDER_COMPLETE' }], chunkDelayMs: 600_000 }) });
  root = await mkdtemp(join(tmpdir(), 'millrace-pi-orphan-'));
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

it('ends pi within seconds of a SIGKILL of the daemon', async () => {
  const repo = join(root, 'repo');
  await mkdir(repo, { recursive: true });
  expect((await execa(process.execPath, [BIN, 'init'], { cwd: repo, reject: false })).exitCode).toBe(0);
  const env = await writePiAgentDir(join(root, 'agent'), server.baseUrl);
  const envTable = Object.entries(env).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
  await writeFile(join(repo, 'millrace-agents/millrace.toml'), ['[runtime]', 'idle_sleep_seconds = 0.1', '', '[runners.pi]', `command = ${JSON.stringify(REAL_PI)}`, `args = [${HERMETIC_PI_ARGS.map((a) => JSON.stringify(a)).join(', ')}]`, 'provider = "fake"', 'model = "fake-model"', `env = { ${envTable} }`, ''].join('\n'));
  await writeFile(join(repo, 'millrace-agents', 'tasks', 'queue', 'T-PI-ORPHAN.md'), TASK);

  const daemon = execa(process.execPath, [BIN, 'run', 'daemon', '--mode', 'default_pi'], { cwd: repo, reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });
  try {
    await until('pi to ask the model', () => server.requests.some((r) => r.kind === 'chat' && stageInPrompt(r.userText) === 'builder'), 200_000);
    const groups = JSON.parse(readFileSync(join(repo, 'millrace-agents', 'state', 'agent_process_groups.json'), 'utf8')) as { groups: Array<{ pid: number; owner_pid: number }> };
    expect(groups.groups).toHaveLength(1);
    const { pid: pgid, owner_pid } = groups.groups[0]!;
    expect(owner_pid).toBe(daemon.pid);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2); // the supervisor and pi
    daemon.kill('SIGKILL');
    await daemon;
    await until('the pi group to end', () => groupMembers(pgid).length === 0, 20_000);
  } finally {
    daemon.kill('SIGKILL'); // a no-op once it has exited
  }
}, 300_000);
