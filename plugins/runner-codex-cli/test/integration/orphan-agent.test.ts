import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startFakeModelServer, stageInPrompt, writeCodexHome, type FakeModelServer } from '@millrace/plugin-api/testing';
import { CODEX_BIN } from '../support/codex-stage.js';
import { until } from '../../../../test/support/wait.js';

// A real daemon running the real codex binary is SIGKILLed while codex waits mid-response on the fake model: the agent
// supervisor ends codex's whole process group within seconds, with no new daemon started.
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'run.js');

const TASK = ['---', 'task_id: task-orphan', 'title: Hang mid-stage', 'created_at: 2026-11-27T10:00:00Z', 'created_by: test', 'target_paths: [a.txt]', 'acceptance: [none]', 'required_checks: [none]', 'references: [none]', 'risk: [none]', '---', 'Wait.', ''].join('\n');

/** Live (non-zombie) processes of a process group, from /proc. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = existsSync(`/proc/${entry}/stat`) ? (() => { try { return readFileSync(`/proc/${entry}/stat`, 'utf8'); } catch { return ''; } })() : '';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') pids.push(Number(entry));
  }
  return pids;
}

describe('the real codex binary never outlives its daemon', () => {
  let root: string;
  let server: FakeModelServer;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'millrace-codex-orphan-'));
    // The first chunk arrives, then the stream hangs: codex is mid-response when the daemon dies.
    server = await startFakeModelServer({ script: () => ({ steps: [{ text: 'Working on it, still working, more to come.\n### BUILDER_COMPLETE' }], chunkDelayMs: 600_000 }) });
  });
  afterEach(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('ends codex within seconds of a SIGKILL of the daemon', async () => {
    const repo = join(root, 'repo');
    const runtimeRoot = join(repo, 'millrace-agents');
    await mkdir(repo);
    const home = await writeCodexHome(join(root, 'codex-home'), { baseUrl: server.baseUrl });
    expect((await execa(process.execPath, [CLI, 'init', '--workspace', repo], { reject: false })).exitCode).toBe(0);
    await writeFile(join(runtimeRoot, 'millrace.toml'), ['[runtime]', 'default_mode = "default_codex"', 'idle_sleep_seconds = 0.1', '', '[runners.codex]', `command = ${JSON.stringify(CODEX_BIN)}`, `env = { CODEX_HOME = ${JSON.stringify(home.codexHome)}, FAKE_API_KEY = "fake-key" }`, ''].join('\n'));
    await writeFile(join(runtimeRoot, 'tasks', 'queue', 'task-orphan.md'), TASK);

    const daemon = execa(process.execPath, [CLI, 'run', 'daemon', '--mode', 'default_codex', '--workspace', repo], { reject: false, stdin: 'ignore' });
    try {
      await until('codex to ask the model', () => server.requests.some((r) => stageInPrompt(r.userText) === 'builder'), 120_000);
      const groups = JSON.parse(readFileSync(join(runtimeRoot, 'state', 'agent_process_groups.json'), 'utf8')) as { groups: Array<{ pid: number; owner_pid: number }> };
      expect(groups.groups).toHaveLength(1);
      const { pid: pgid, owner_pid } = groups.groups[0]!;
      expect(owner_pid).toBe(daemon.pid);
      const members = groupMembers(pgid);
      expect(members.length).toBeGreaterThanOrEqual(2); // the supervisor and codex (and codex's own helpers)
      daemon.kill('SIGKILL');
      await daemon;
      await until('the codex group to end', () => groupMembers(pgid).length === 0, 20_000);
    } finally {
      daemon.kill('SIGKILL'); // a no-op once it has exited
    }
  }, 180_000);
});
