import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, millrace, readJson } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

// The mailbox applies commands in the order they were issued, and a document sent through it is stored exactly as a
// direct add stores it. Real daemons, real CLI calls.
type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;
const snapshot = (ws: Ws) => readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));

async function cli(ws: Ws, args: string[]): Promise<Record<string, unknown>> {
  const r = await millrace([...args, '-w', ws.root, '--json']);
  expect({ args, exit: r.exitCode, stderr: r.stderr }).toEqual({ args, exit: 0, stderr: '' });
  return (JSON.parse(r.stdout) as { result: Record<string, unknown> }).result;
}

const TASK = [
  '---',
  'task_id: task-body',
  'title: A task with a real body',
  'created_at: 2026-11-27T10:00:00Z',
  'created_by: someone',
  'target_paths: [src/a.ts]',
  'acceptance: [works]',
  'required_checks: [npm test]',
  'references: [none]',
  'risk: [low]',
  '---',
  '# Context',
  '',
  'Body text with *markdown*, a list:',
  '- one',
  '- two',
  '',
  '```sh',
  'echo "kept verbatim"',
  '```',
  '',
].join('\n');

describe('mailbox ordering and whole documents', () => {
  let daemon: ResultPromise | null = null;
  afterEach(async () => {
    // kill() of a process that has already exited does nothing.
    if (daemon) {
      daemon.kill('SIGKILL');
      await daemon;
    }
    daemon = null;
  });

  it('resume then pause issued during one stage ends paused', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:4000'] } });
    writeFileSync(join(ws.runtime, 'tasks', 'queue', 'task-a.md'), TASK.replace('task-body', 'task-a'));
    daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    await until('the builder stage', () => snapshot(ws).active_stage === 'builder');
    expect(await cli(ws, ['control', 'resume'])).toMatchObject({ mode: 'mailbox' });
    expect(await cli(ws, ['control', 'pause'])).toMatchObject({ mode: 'mailbox' });
    await until('both commands applied', () => readdir(ws).length === 0, 90_000);
    expect(snapshot(ws)).toMatchObject({ paused: true, pause_sources: ['operator'] });
  }, 120_000);

  it('a task added while the daemon runs is stored byte for byte as with no daemon', async () => {
    const direct = await createRuntimeWorkspace();
    const live = await createRuntimeWorkspace();
    const file = join(direct.root, 'task-body.md');
    writeFileSync(file, TASK);
    expect(await cli(direct, ['queue', 'add-task', file])).toMatchObject({ mode: 'direct' });
    const stored = readFileSync(join(direct.runtime, 'tasks', 'queue', 'task-body.md'));

    // A paused daemon keeps the task in the queue, where it can be compared.
    expect(await cli(live, ['control', 'pause'])).toMatchObject({ mode: 'direct' });
    daemon = execa('node', [BIN, 'run', 'daemon', '-w', live.root], { reject: false, env: { CI: '1' } });
    await until('the daemon', () => existsSync(join(live.runtime, 'state', 'runtime_daemon.lock.json')) && snapshot(live).process_running);
    expect(await cli(live, ['queue', 'add-task', file])).toMatchObject({ mode: 'mailbox', action: 'add_task' });
    const queued = join(live.runtime, 'tasks', 'queue', 'task-body.md');
    await until('the task in the queue', () => existsSync(queued));
    expect(readFileSync(queued)).toEqual(stored);
  }, 120_000);
});

function readdir(ws: Ws): string[] {
  const dir = join(ws.runtime, 'state', 'mailbox', 'incoming');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : [];
}
