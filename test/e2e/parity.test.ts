import { execa } from 'execa';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { StatusResult } from '../../src/commands/status/index.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { createPlanningWorkspace } from '../support/planning-workspace.js';
import { BIN, createRuntimeWorkspace, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;
const snapshotOf = (ws: Ws) => readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));

describe('reference parity through the CLI', () => {
  it('status prints the baseline manifest id and seed package version (none when the manifest is invalid)', async () => {
    const ws = await createRuntimeWorkspace();
    const manifestPath = join(ws.runtime, 'state', 'baseline_manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { manifest_id: string; seed_package_version: string };
    const text = await millrace(['status', '-w', ws.root]);
    expect(text.stdout).toContain(`\nbaseline_manifest_id: ${manifest.manifest_id}\nbaseline_seed_package_version: ${manifest.seed_package_version}\ncompile_input.mode_id:`);
    const json = JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<StatusResult>;
    expect(json.result).toMatchObject({ baseline_manifest_id: manifest.manifest_id, baseline_seed_package_version: manifest.seed_package_version });
    writeFileSync(manifestPath, '{"schema_version": "9"}');
    const broken = await millrace(['status', '-w', ws.root]);
    expect(broken.stdout).toContain('baseline_manifest_id: none\nbaseline_seed_package_version: none\n');
  }, 60_000);

  it('a daemon reload applies every runtime field: run_style becomes runtime_mode, runner sections apply to the next stage', async () => {
    const ws = await createRuntimeWorkspace();
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--json'], { reject: false, env: { CI: '1' } });
    try {
      await until('the daemon', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')) && snapshotOf(ws).process_running);
      expect(snapshotOf(ws).runtime_mode).toBe('daemon');
      const toml = join(ws.runtime, 'millrace.toml');
      const second = join(ws.root, 'second-script.json');
      writeFileSync(second, '{}');
      writeFileSync(toml, readFileSync(toml, 'utf8').replace('idle_sleep_seconds = 0.1', 'idle_sleep_seconds = 0.2\nrun_style = "once"').replace(JSON.stringify(ws.script), JSON.stringify(second)));
      const sent = await millrace(['control', 'reload-config', '-w', ws.root]);
      expect(sent.exitCode).toBe(0);
      await until('the reload', () => readEvents(ws.runtime).some((e) => e.event_type === 'runtime_config_reloaded'));
      expect(snapshotOf(ws)).toMatchObject({ runtime_mode: 'once', last_reload_outcome: 'applied' });
      expect((await millrace(['status', '-w', ws.root])).stdout).toContain('\nruntime_mode: once\n');
      writeTask(ws.runtime, 't1');
      // The fake agent records each stage it ran next to the script it was given: the reloaded runner env points at the second one.
      await until('the builder on the reloaded runner config', () => existsSync(`${second}.state.json`));
      expect(existsSync(`${ws.script}.state.json`)).toBe(false);
    } finally {
      daemon.kill('SIGTERM');
      await daemon;
    }
  }, 180_000);

  it('JSON documents and mailbox add_task/add_spec payloads accept null for optional fields', async () => {
    const ws = await createRuntimeWorkspace();
    const task = {
      task_id: 'task-null', title: 'Task with nulls', summary: null, spec_id: null, parent_task_id: null, root_spec_id: null, status_hint: null, updated_at: null,
      depends_on: null, blocks: null, tags: null, target_paths: ['src/a.ts'], acceptance: ['works'], required_checks: ['npm test'], references: ['none'], risk: ['low'],
      created_at: '2026-04-15T12:00:00+00:00', created_by: 'tests',
    };
    const file = join(ws.root, 'task-null.json');
    writeFileSync(file, JSON.stringify(task));
    const added = await millrace(['queue', 'add-task', file, '-w', ws.root]);
    expect({ exit: added.exitCode, stderr: added.stderr }).toEqual({ exit: 0, stderr: '' });
    const stored = readFileSync(join(ws.runtime, 'tasks', 'queue', 'task-null.md'), 'utf8');
    expect(stored).not.toMatch(/: null$|spec_id|depends_on/m);
    writeFileSync(file, JSON.stringify({ ...task, task_id: 'task-null-2', title: null }));
    const refused = await millrace(['queue', 'add-task', file, '-w', ws.root]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain('title');

    const spec = { spec_id: 'spec-null', title: 'Spec with nulls', summary: 'x', source_type: 'manual', source_id: null, root_idea_id: null, root_spec_id: null, parent_spec_id: null,
      goals: ['ship'], non_goals: null, constraints: ['mvp'], assumptions: null, risks: null, decomposition_hints: null, acceptance: ['works'], references: ['x.md'],
      created_at: '2026-04-15T12:00:00Z', created_by: 'tests', updated_at: null };
    const envelope = (command: string, id: string, document: unknown) => ({ schema_version: '1.0', kind: 'mailbox_command', command_id: id, command, issued_at: '2026-04-15T12:00:00Z', issuer: 'reference', payload: { document } });
    const incoming = join(ws.runtime, 'state', 'mailbox', 'incoming');
    writeFileSync(join(incoming, 'add-task-1.json'), JSON.stringify(envelope('add_task', 'add-task-1', { ...task, task_id: 'task-mailbox' })));
    writeFileSync(join(incoming, 'add-spec-1.json'), JSON.stringify(envelope('add_spec', 'add-spec-1', spec)));
    await millrace(['run', 'once', '-w', ws.root]);
    expect(existsSync(join(ws.runtime, 'state', 'mailbox', 'processed', 'add-task-1.json'))).toBe(true);
    expect(existsSync(join(ws.runtime, 'state', 'mailbox', 'processed', 'add-spec-1.json'))).toBe(true);
    const queued = (await millrace(['queue', 'show', 'task-mailbox', '-w', ws.root, '--json'])).stdout;
    expect(JSON.parse(queued)).toMatchObject({ status: 0 });
    const specShown = (await millrace(['queue', 'show', 'spec-null', '-w', ws.root, '--json'])).stdout;
    expect(JSON.parse(specShown)).toMatchObject({ status: 0 });
  }, 120_000);

  it('queue ls prints the active counts and learning lines; queue show prints every field and the body', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 't-active');
    writeTask(ws.runtime, 't-queued', { depends_on: '[t-active]' });
    writeFileSync(join(ws.runtime, 'tasks', 'active', 't-active.md'), readFileSync(join(ws.runtime, 'tasks', 'queue', 't-active.md')));
    rmSync(join(ws.runtime, 'tasks', 'queue', 't-active.md'));
    const ls = await millrace(['queue', 'ls', '-w', ws.root]);
    expect(ls.stdout.split('\n').slice(0, 10)).toEqual([
      'execution_queue_depth: 1', 'planning_queue_depth: 0', 'learning_queue_depth: 0', 'execution_active: 1', 'planning_active: 0', 'learning_active: 0',
      'active_task_count: 1', 'active_spec_count: 0', 'active_incident_count: 0', 'active_learning_request_count: 0',
    ]);
    const json = JSON.parse((await millrace(['queue', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<Record<string, unknown>>;
    expect(json.result).toMatchObject({ active_task_count: 1, active_spec_count: 0, active_incident_count: 0, learning_queue_depth: 0, learning_active: 0 });

    const show = await millrace(['queue', 'show', 't-queued', '-w', ws.root]);
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toContain('\nformat: front_matter\nfields:\n  task_id: t-queued\n  title: Task t-queued\n  summary: none\n');
    expect(show.stdout).toContain('\n  created_by: test\n');
    expect(show.stdout).toContain('\n  depends_on:\n    - t-active\n  blocks: none\n');
    expect(show.stdout).toContain('\n  risk:\n    - low\n');
    expect(show.stdout.endsWith('\nbody:\n  Work for t-queued.')).toBe(true);
  }, 120_000);

  it('an old-style snapshot is migrated on read; an active stage without a work item identity is cleared', async () => {
    const ws = await createRuntimeWorkspace();
    const snapshotPath = join(ws.runtime, 'state', 'runtime_snapshot.json');
    const bootstrap = readJson<Record<string, unknown>>(snapshotPath);
    writeTask(ws.runtime, 't-legacy');
    writeFileSync(join(ws.runtime, 'tasks', 'active', 't-legacy.md'), readFileSync(join(ws.runtime, 'tasks', 'queue', 't-legacy.md')));
    rmSync(join(ws.runtime, 'tasks', 'queue', 't-legacy.md'));
    const legacyRun = { active_plane: 'execution', active_stage: 'checker', active_node_id: null, active_stage_kind_id: null, active_run_id: 'run-legacy', active_work_item_kind: 'task', active_work_item_id: 't-legacy', active_since: '2026-04-15T12:00:00Z' };
    const { loop_ids_by_plane: _loops, status_markers_by_plane: _markers, queue_depths_by_plane: _depths, ...oldStyle } = bootstrap;
    writeFileSync(snapshotPath, JSON.stringify({ ...oldStyle, ...legacyRun, active_runs_by_plane: {}, execution_status_marker: '### BUILDER_COMPLETE' }, null, 2));

    const status = await millrace(['status', '-w', ws.root]);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('active_run: plane=execution stage=checker node=checker stage_kind=checker request_kind=active_work_item work_item_kind=task work_item_id=t-legacy run=run-legacy');
    const once = await millrace(['run', 'once', '-w', ws.root]);
    expect(once.exitCode).toBe(0);
    const events = readEvents(ws.runtime);
    expect(events.some((e) => e.event_type === 'stage_started' && e.data.stage === 'checker' && e.data.work_item_id === 't-legacy')).toBe(true);

    // An active planning stage that names no work item (the reference's shape after an interrupted planning run).
    writeFileSync(snapshotPath, JSON.stringify({ ...oldStyle, active_plane: 'planning', active_stage: 'planner', active_run_id: 'run-planning', active_runs_by_plane: {}, process_running: false }, null, 2));
    const cleared = await millrace(['run', 'once', '-w', ws.root]);
    expect(cleared.exitCode).toBe(0);
    const after = readEvents(ws.runtime);
    expect(after.some((e) => e.event_type === 'runtime_tick_invalid_active_state' && e.data.reason === 'missing_active_work_item_identity')).toBe(true);
    expect(snapshotOf(ws)).toMatchObject({ active_stage: null, active_plane: null, active_runs_by_plane: {} });
    expect((await millrace(['status', '-w', ws.root])).stdout).toContain('\nactive_stage: none\n');
  }, 120_000);

  it('lineage stamping after a planning stage touches only the documents that stage wrote', async () => {
    const ws = await createPlanningWorkspace({ tasks: { 'idea-seed': [{ id: 't1' }, { id: 't2', lineage: false }] } });
    const idea = join(ws.root, 'seed.md');
    writeFileSync(idea, '# Seed\n\nBuild X.\n');
    expect((await millrace(['queue', 'add-idea', idea, '-w', ws.root])).exitCode).toBe(0);
    const planner = await millrace(['run', 'once', '-w', ws.root]);
    expect(planner.exitCode).toBe(0);
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'stage_started' && e.data.stage === 'planner')).toBe(true);

    // Queued by the operator between two `run once` calls of the same planning run.
    const operatorTask = join(ws.root, 'op-task.md');
    writeFileSync(operatorTask, ['---', 'task_id: t-op', 'title: Operator task', 'target_paths: [src/x.ts]', 'acceptance: [ok]', 'required_checks: [npm test]', 'references: [none]', 'risk: [low]', '---', 'Body.', ''].join('\n'));
    expect((await millrace(['queue', 'add-task', operatorTask, '-w', ws.root])).exitCode).toBe(0);
    const queued = join(ws.runtime, 'tasks', 'queue', 't-op.md');
    const before = readFileSync(queued, 'utf8');

    const manager = await millrace(['run', 'once', '-w', ws.root]);
    expect(manager.exitCode).toBe(0);
    const events = readEvents(ws.runtime);
    expect(events.some((e) => e.event_type === 'stage_started' && e.data.stage === 'manager')).toBe(true);
    const stamped = events.filter((e) => e.event_type === 'planning_lineage_stamped').map((e) => e.data.work_item_id);
    expect(stamped).toContain('t2');
    expect(stamped).not.toContain('t-op');
    expect(readFileSync(queued, 'utf8')).toBe(before);
    expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 't2.md'), 'utf8')).toMatch(/root_spec_id: idea-seed/);
  }, 180_000);

  it('status never contradicts itself: a stale plan says which mode the next run uses', async () => {
    const ws = await createRuntimeWorkspace();
    expect((await millrace(['compile', 'validate', '-w', ws.root])).exitCode).toBe(0);
    const current = await millrace(['status', '-w', ws.root]);
    expect(current.stdout).toContain('compiled_plan_currentness: current\n');
    expect(current.stdout).not.toContain('plan_stale_detail');
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('default_mode = "default_command"', 'default_mode = "default_pi"'));
    const stale = await millrace(['status', '-w', ws.root]);
    expect(stale.stdout).toContain('compiled_plan_currentness: stale\nplan_stale_detail: the compiled plan is for mode default_command but the config selects default_pi; the next run compiles and uses default_pi\n');
    const json = JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<StatusResult>;
    expect(json.result.plan_stale_detail).toContain('the next run compiles and uses default_pi');
  }, 120_000);

  it('a stage failure is visible in run once output: stage, failure class and the note', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['EXIT:3'] } });
    writeTask(ws.runtime, 't-fail');
    const once = await millrace(['run', 'once', '-w', ws.root]);
    expect(once.stdout).toContain('\nstage: builder\n');
    expect(once.stdout).toMatch(/^failure_class: (?!none$)\S+$/m);
    expect(once.stdout).toMatch(/^note: \S.*$/m);
  }, 120_000);
});
