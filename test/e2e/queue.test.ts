import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { QueueAddIdeaResult } from '../../src/commands/queue/add-idea.js';
import type { QueueAddSpecResult } from '../../src/commands/queue/add-spec.js';
import type { QueueAddTaskResult } from '../../src/commands/queue/add-task.js';
import type { QueueLsResult } from '../../src/commands/queue/ls.js';
import type { QueueShowResult } from '../../src/commands/queue/show.js';
import { snapshotTree } from '../support/queue-workspace.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(ROOT, 'bin/run.js');

let workspace: string;
const cli = (...args: string[]) => execa('node', [BIN, ...args, '--workspace', workspace], { reject: false, cwd: workspace, env: { NO_COLOR: '1' } });
async function json<T>(...args: string[]): Promise<{ exitCode: number | undefined; body: JsonSuccess<T> & JsonFailure }> {
  const run = await cli(...args, '--json');
  return { exitCode: run.exitCode, body: JSON.parse(run.stdout) };
}

// Each test spawns the CLI several times; a loaded CI machine needs minutes, not the default 60 s.
const SLOW = 300_000;

const TASK = (id: string, extra = '') => `# Task ${id}\nTask-ID: ${id}\nTarget-Paths: README.md\nAcceptance: works\nRequired-Checks: npm test\nReferences: README.md\nRisk: none\n${extra}`;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'millrace-e2e-queue-'));
  expect((await execa('node', [BIN, 'init', '--workspace', workspace])).exitCode).toBe(0);
}, SLOW);
afterAll(() => rm(workspace, { recursive: true, force: true }));

describe('millrace queue (end to end)', () => {
  it('adds tasks (labelled and JSON), a spec and an idea, through the group and the top-level aliases', async () => {
    await writeFile(join(workspace, 'prereq.md'), TASK('prereq'));
    await writeFile(join(workspace, 'dependent.md'), TASK('dependent', '\nDepends-On:\n- prereq\n'));
    const text = await cli('queue', 'add-task', 'dependent.md');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toBe(`enqueued_task: ${join(workspace, 'millrace-agents/tasks/queue/dependent.md')}`);
    const added = await json<QueueAddTaskResult>('add-task', 'prereq.md');
    expect(added).toMatchObject({ exitCode: 0, body: { status: 0, result: { task_id: 'prereq' } } });

    await writeFile(join(workspace, 'spec.json'), JSON.stringify({ spec_id: 'spec-001', title: 'Spec', summary: 's', source_type: 'manual', goals: ['g'], constraints: ['c'], acceptance: ['a'], references: ['r'] }));
    expect((await json<QueueAddSpecResult>('add-spec', 'spec.json')).body.result.enqueued_spec).toBe(join(workspace, 'millrace-agents/specs/queue/spec-001.md'));

    await writeFile(join(workspace, 'auth.md'), '# Authentication\n\nLogin please.\n');
    const idea = await json<QueueAddIdeaResult>('queue', 'add-idea', 'auth.md');
    expect(await readFile(idea.body.result.enqueued_idea, 'utf8')).toBe('# Authentication\n\nLogin please.\n');
  }, SLOW);

  it('lists counts and the next claimable item per plane, respecting dependencies', async () => {
    const { exitCode, body } = await json<QueueLsResult>('queue', 'ls');
    expect(exitCode).toBe(0);
    expect(body.result).toMatchObject({
      counts: { task: { queue: 2, active: 0 }, spec: { queue: 1 }, incident: { incoming: 0 } },
      execution_queue_depth: 2,
      planning_queue_depth: 1,
      next: { execution: { status: 'claimable', id: 'prereq' }, planning: { status: 'claimable', kind: 'spec', id: 'spec-001' } },
      invalid: [],
    });
    const text = await cli('queue', 'ls');
    expect(text.stdout).toContain('next_execution: prereq (task, tasks/queue/prereq.md)');
  }, SLOW);

  it('shows one document with its fields, state and path', async () => {
    const { body } = await json<QueueShowResult>('queue', 'show', 'dependent');
    expect(body.result).toMatchObject({ work_item_id: 'dependent', work_item_kind: 'task', work_item_state: 'queue', title: 'Task dependent', fields: { depends_on: ['prereq'], created_by: 'operator' } });
    expect((await cli('queue', 'show', 'spec-001')).stdout).toContain('work_item_kind: spec');
    const missing = await json('queue', 'show', 'nope');
    expect(missing).toMatchObject({ exitCode: 1, body: { status: 1, error: { code: 'NOT_FOUND', message: 'work item not found: nope' } } });
    const bad = await cli('queue', 'show', '../x');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('invalid work item id: work_item_id must match');
  }, SLOW);

  it('refuses an invalid document with one line per problem, exit 1, and writes nothing', async () => {
    await writeFile(join(workspace, 'bad.md'), '# Bad\nTask-ID: bad\nGoals:\n- not a task field\nAcceptance:\n');
    const before = await snapshotTree(join(workspace, 'millrace-agents'));
    const run = await cli('queue', 'add-task', 'bad.md');
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      'Error (DOCUMENT_INVALID): bad.md: target_paths: is required',
      'bad.md: acceptance: must have at least 1 item',
      'bad.md: required_checks: is required',
      'bad.md: references: is required',
      'bad.md: risk: is required',
      'bad.md: goals: unexpected field',
    ]);
    const asJson = await json('add-task', 'bad.md');
    expect(asJson).toMatchObject({ exitCode: 1, body: { status: 1, error: { code: 'DOCUMENT_INVALID', file: 'bad.md', field: 'target_paths' } } });
    const duplicate = await cli('add-task', 'prereq.md');
    expect(duplicate.exitCode).toBe(1);
    expect(duplicate.stderr).toContain('Error (DUPLICATE_ID): task prereq already exists at tasks/queue/prereq.md');
    await writeFile(join(workspace, 'task.txt'), 'x');
    expect((await cli('add-task', 'task.txt')).stderr).toContain('task import path must end with .md or .json');
    expect((await cli('add-task', 'missing.md')).exitCode).toBe(2);
    expect(await snapshotTree(join(workspace, 'millrace-agents'))).toEqual(before);
  }, SLOW);

  it('reports an invalid document written into a queue folder, skips it, and leaves it in place', async () => {
    const path = join(workspace, 'millrace-agents/tasks/queue/aaa-broken.md');
    await writeFile(path, '# Broken\nTask-ID: aaa-broken\nCreated-At: 2000-01-01\n');
    const { body } = await json<QueueLsResult>('queue', 'ls');
    expect(body.result.invalid).toEqual([expect.objectContaining({ path: 'tasks/queue/aaa-broken.md', problems: expect.arrayContaining(['tasks/queue/aaa-broken.md: created_by: is required']) })]);
    expect(body.result.next.execution).toMatchObject({ id: 'prereq' });
    expect((await cli('queue', 'ls')).stdout).toContain('invalid_documents: 1');
    const status = await json<{ invalid_documents: Array<{ path: string; problems: string[] }> }>('status');
    expect(status.body.result.invalid_documents).toEqual([expect.objectContaining({ path: 'tasks/queue/aaa-broken.md', problems: expect.arrayContaining(['tasks/queue/aaa-broken.md: created_by: is required']) })]);
    expect((await cli('status')).stdout).toContain('invalid_document: tasks/queue/aaa-broken.md: created_by: is required');
    const show = await cli('queue', 'show', 'aaa-broken');
    expect(show.exitCode).toBe(1);
    expect(show.stderr).toContain('tasks/queue/aaa-broken.md: created_by: is required');
    expect(await readFile(path, 'utf8')).toContain('Task-ID: aaa-broken');
  }, SLOW);

  it('requires an initialized workspace', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'millrace-e2e-empty-'));
    const run = await execa('node', [BIN, 'queue', 'ls', '--workspace', empty, '--json'], { reject: false });
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'WORKSPACE_NOT_INITIALIZED' } });
    await rm(empty, { recursive: true, force: true });
  }, SLOW);
});
