import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { QueueLsResult } from '../../src/commands/queue/ls.js';
import type { QueueNewMailboxResult, QueueNewPrintResult, QueueNewWriteResult } from '../../src/commands/queue/new.js';
import type { QueueShowResult } from '../../src/commands/queue/show.js';
import { safeIdProblem } from '../../src/contracts/documents.js';
import { jsonOf, runCli } from '../support/cli.js';

const SLOW = 300_000;

describe('millrace queue new', () => {
  let home: string;
  let ws: string;
  const cli = (args: string[]) => runCli([...args, '-w', ws], { cwd: ws });
  const queueLs = async () => jsonOf<JsonSuccess<QueueLsResult>>(await cli(['queue', 'ls', '--json'])).result;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'millrace-queue-new-'));
    ws = join(home, 'repo');
    expect((await runCli(['init', '-w', ws])).exitCode).toBe(0);
  }, SLOW);
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('prints skeletons that add-task / add-spec accept as they are, and an incident skeleton valid in incidents/incoming', async () => {
    const task = await cli(['queue', 'new', 'task', '--title', 'Add login form']);
    expect(task.exitCode).toBe(0);
    expect(task.stdout).toMatch(/^---\ntask_id: task-\d{8}-\d{6}-add-login-form\ntitle: Add login form\n/);
    expect(task.stdout).toContain('\n# depends_on: [task-id]');
    expect(task.stdout).toContain('\n---\n\n# Add login form\n\n## Context\n');
    const taskId = /^task_id: (\S+)$/m.exec(task.stdout)![1]!;
    writeFileSync(join(ws, 'task.md'), task.stdout);
    const addTask = await cli(['queue', 'add-task', 'task.md']);
    expect({ exit: addTask.exitCode, stderr: addTask.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(addTask.stdout).toBe(`enqueued_task: ${join(ws, 'millrace-agents', 'tasks', 'queue', `${taskId}.md`)}`);

    const spec = await cli(['queue', 'new', 'spec', '--title', 'Auth']);
    expect(spec.exitCode).toBe(0);
    writeFileSync(join(ws, 'spec.md'), spec.stdout);
    const addSpec = await cli(['queue', 'add-spec', 'spec.md']);
    expect({ exit: addSpec.exitCode, stderr: addSpec.stderr }).toEqual({ exit: 0, stderr: '' });
    expect(addSpec.stdout).toMatch(/^enqueued_spec: .*\/specs\/queue\/spec-\d{8}-\d{6}-auth\.md$/);

    // No add-incident command: an incident skeleton saved straight into incidents/incoming is a valid document.
    const incident = jsonOf<JsonSuccess<QueueNewPrintResult>>(await cli(['queue', 'new', 'incident', '--title', 'Build broke', '--json'])).result;
    expect(incident.id).toMatch(/^incident-\d{8}-\d{6}-build-broke$/);
    writeFileSync(join(ws, 'millrace-agents', 'incidents', 'incoming', `${incident.id}.md`), incident.text);

    const ls = await queueLs();
    expect(ls.invalid).toEqual([]);
    expect(ls.counts).toMatchObject({ task: { queue: 1 }, spec: { queue: 1 }, incident: { incoming: 1 } });
    const shown = jsonOf<JsonSuccess<QueueShowResult>>(await cli(['queue', 'show', incident.id, '--json'])).result;
    expect(shown).toMatchObject({ work_item_kind: 'incident', work_item_state: 'incoming', title: 'Build broke', fields: { source_plane: 'execution', source_stage: 'builder' } });
  }, SLOW);

  it('--write adds a valid queued document of each kind through the add-task path', async () => {
    for (const [kind, folder, state] of [['task', 'tasks/queue', 'queue'], ['spec', 'specs/queue', 'queue'], ['incident', 'incidents/incoming', 'incoming']] as const) {
      const r = await cli(['queue', 'new', kind, '--title', `Written ${kind}`, '--write']);
      expect({ kind, exit: r.exitCode, stderr: r.stderr }).toEqual({ kind, exit: 0, stderr: '' });
      const path = /^enqueued_\w+: (.+)$/.exec(r.stdout)![1]!;
      expect(path).toMatch(new RegExp(`/millrace-agents/${folder}/${kind}-\\d{8}-\\d{6}-written-${kind}\\.md$`));
      const id = path.slice(path.lastIndexOf('/') + 1, -3);
      const shown = jsonOf<JsonSuccess<QueueShowResult>>(await cli(['queue', 'show', id, '--json'])).result;
      expect(shown).toMatchObject({ work_item_id: id, work_item_kind: kind, work_item_state: state, title: `Written ${kind}`, format: 'front_matter' });
      // Written canonically, like add-task (no comment lines; the file re-renders to the same bytes).
      expect(readFileSync(path, 'utf8')).not.toContain('# Optional fields');
    }
    expect((await queueLs()).invalid).toEqual([]);
    const json = jsonOf<JsonSuccess<QueueNewWriteResult>>(await cli(['queue', 'new', 'task', '--id', 'my-task', '--write', '--json'])).result;
    expect(json).toEqual({ kind: 'task', id: 'my-task', mode: 'direct', path: join(ws, 'millrace-agents', 'tasks', 'queue', 'my-task.md') });
    const again = await cli(['queue', 'new', 'task', '--id', 'my-task', '--write']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('Error (DUPLICATE_ID)');
  }, SLOW);

  it('generates valid ids from any title, and refuses a bad --id with nothing written', async () => {
    const titles = ['Fix: the "quoted" bug!', '***', 'ünïcödé only', 'x'.repeat(300)];
    for (const title of titles) {
      const r = jsonOf<JsonSuccess<QueueNewPrintResult>>(await cli(['queue', 'new', 'task', '--title', title, '--json'])).result;
      expect({ title, problem: safeIdProblem(r.id) }).toEqual({ title, problem: undefined });
      expect(r.id).toMatch(/^task-\d{8}-\d{6}(-[a-z0-9-]+)?$/);
      expect(r.text).toContain(`task_id: ${r.id}\n`);
    }
    const before = readdirSync(join(ws, 'millrace-agents', 'tasks', 'queue')).sort();
    const bad = await cli(['queue', 'new', 'task', '--id', 'bad id', '--write', '--json']);
    expect(bad.exitCode).toBe(1);
    expect(jsonOf<JsonFailure>(bad).error).toMatchObject({ code: 'DOCUMENT_INVALID', field: 'task_id' });
    expect(readdirSync(join(ws, 'millrace-agents', 'tasks', 'queue')).sort()).toEqual(before);
  }, SLOW);

  it('--write sends a task to the mailbox while a daemon owns the workspace, and refuses an incident there', async () => {
    const lockPath = join(ws, 'millrace-agents', 'state', 'runtime_daemon.lock.json');
    // A live owner: this test process (the lock is "active" while its pid runs on this host).
    const lock = { workspace_root: ws, owner_pid: process.pid, owner_hostname: hostname(), owner_session_id: 'a'.repeat(32), acquired_at: new Date().toISOString() };
    writeFileSync(lockPath, `${JSON.stringify(lock)}\n`);
    try {
      const r = jsonOf<JsonSuccess<QueueNewMailboxResult>>(await cli(['queue', 'new', 'task', '--title', 'Via mailbox', '--write', '--json'])).result;
      expect(r).toMatchObject({ kind: 'task', mode: 'mailbox', action: 'add_task', applied: false });
      expect(existsSync(r.mailbox_path)).toBe(true);
      const envelope = JSON.parse(readFileSync(r.mailbox_path, 'utf8')) as { command: string; payload: { document: { task_id: string } } };
      expect(envelope).toMatchObject({ command: 'add_task', payload: { document: { task_id: r.id } } });
      expect(existsSync(join(ws, 'millrace-agents', 'tasks', 'queue', `${r.id}.md`))).toBe(false);

      const incident = await cli(['queue', 'new', 'incident', '--write']);
      expect(incident.exitCode).toBe(4);
      expect(incident.stderr).toContain('Error (LOCK_HELD): a running daemon owns the workspace, and its mailbox takes tasks, specs and ideas, not incidents');
    } finally {
      rmSync(lockPath, { force: true });
    }
  }, SLOW);
});
