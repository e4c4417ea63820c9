import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { RunDaemonResult } from '../../src/commands/run/daemon.js';
import type { ClosureTarget } from '../../src/contracts/closure-target.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import type { StatusView } from '../../src/views/status.js';
import { createPlanningWorkspace, type PlanningScript } from '../support/planning-workspace.js';
import { BIN, mdIn, millrace, readEvents, readJson } from '../support/runtime-workspace.js';

const TWO_TASKS: PlanningScript['tasks'] = { 'idea-seed': [{ id: 't1' }, { id: 't2', depends_on: ['t1'], lineage: false }] };

async function seedIdea(script: PlanningScript) {
  const ws = await createPlanningWorkspace(script);
  const idea = join(ws.root, 'seed.md');
  writeFileSync(idea, '# Seed\n\nBuild X.\n');
  const add = await millrace(['queue', 'add-idea', idea, '-w', ws.root]);
  expect(add.exitCode).toBe(0);
  return ws;
}

async function daemon(root: string, ticks: number) {
  const r = await millrace(['run', 'daemon', '-w', root, '--max-ticks', String(ticks), '--json']);
  expect(r.exitCode).toBe(0);
  return (JSON.parse(r.stdout) as JsonSuccess<RunDaemonResult>).result;
}

const stages = (runtime: string) => readEvents(runtime).filter((e) => e.event_type === 'stage_completed').map((e) => `${String(e.data.stage)}:${String(e.data.work_item_id ?? 'closure')}:${String(e.data.terminal_result)}`);
const target = (runtime: string) => readJson<ClosureTarget>(join(runtime, 'arbiter', 'targets', 'idea-seed.json'));
const snapshot = (runtime: string) => readJson<RuntimeSnapshot>(join(runtime, 'state', 'runtime_snapshot.json'));

/** Each case runs a real daemon through up to ~15 stages; the machine may be busy. */
const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 180_000);

describe('routing.md §11(d): idea -> spec -> tasks -> execution -> Arbiter closure through `run daemon`', () => {
  slow('ARBITER_COMPLETE closes the target after the lineage drained', async () => {
    const ws = await seedIdea({ tasks: TWO_TASKS });
    const result = await daemon(ws.root, 10);
    expect(result.stages_run).toBe(9);
    expect(stages(ws.runtime)).toEqual([
      'planner:idea-seed:PLANNER_COMPLETE',
      'manager:idea-seed:MANAGER_COMPLETE',
      'builder:t1:BUILDER_COMPLETE',
      'checker:t1:CHECKER_PASS',
      'updater:t1:UPDATE_COMPLETE',
      'builder:t2:BUILDER_COMPLETE',
      'checker:t2:CHECKER_PASS',
      'updater:t2:UPDATE_COMPLETE',
      'arbiter:closure:ARBITER_COMPLETE',
    ]);
    expect(mdIn(join(ws.runtime, 'specs', 'done'))).toEqual(['idea-seed.md']);
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['t1.md', 't2.md']);
    expect(readFileSync(join(ws.runtime, 'specs', 'done', 'idea-seed.md'), 'utf8')).toContain('references:\n  - millrace-agents/ideas/inbox/seed.md');
    expect(readFileSync(join(ws.runtime, 'arbiter', 'contracts', 'ideas', 'idea-seed.md'), 'utf8')).toBe('# Seed\n\nBuild X.\n');
    expect(readFileSync(join(ws.runtime, 'arbiter', 'contracts', 'root-specs', 'idea-seed.md'), 'utf8')).toContain('spec_id: idea-seed');
    // The manager left t2 without lineage: the runtime stamped it from the spec.
    expect(readFileSync(join(ws.runtime, 'tasks', 'done', 't2.md'), 'utf8')).toMatch(/root_idea_id: idea-seed\nroot_spec_id: idea-seed\nspec_id: idea-seed/);
    const t = target(ws.runtime);
    expect(t).toMatchObject({ closure_open: false, latest_verdict_path: 'millrace-agents/arbiter/verdicts/idea-seed.json', last_arbiter_run_id: expect.stringMatching(/^run-/) });
    expect(t.closed_at).not.toBeNull();
    expect(existsSync(join(ws.root, t.latest_report_path!))).toBe(true);
    expect(snapshot(ws.runtime)).toMatchObject({ execution_status_marker: '### IDLE', planning_status_marker: '### IDLE', active_runs_by_plane: {} });
    const types = readEvents(ws.runtime).map((e) => e.event_type);
    for (const t of ['idea_normalized_to_spec', 'closure_target_opened', 'planning_lineage_stamped', 'closure_target_closed']) expect(types).toContain(t);
    const arbiterStart = readEvents(ws.runtime).find((e) => e.event_type === 'stage_started' && e.data.stage === 'arbiter');
    expect(arbiterStart?.data).toMatchObject({ work_item_kind: null, work_item_id: null });
    const status = await millrace(['status', '-w', ws.root]);
    expect(status.stdout).toContain('closure_target_root_spec_id: none\nclosure_target_open: none\n');
  });

  slow('REMEDIATION_NEEDED keeps the target open and plans remediation inside the lineage, then closes', async () => {
    const ws = await seedIdea({
      outcomes: { arbiter: ['REMEDIATION_NEEDED', 'ARBITER_COMPLETE'] },
      tasks: { 'idea-seed': [{ id: 't1' }], 'arbiter-gap-idea-seed': [{ id: 'fix-1', lineage: false }] },
    });
    await daemon(ws.root, 6);
    expect(target(ws.runtime)).toMatchObject({ closure_open: true, closed_at: null });
    const [incident] = mdIn(join(ws.runtime, 'incidents', 'incoming'));
    expect(incident).toMatch(/^arbiter-gap-idea-seed-[0-9a-f]{8}\.md$/);
    const text = readFileSync(join(ws.runtime, 'incidents', 'incoming', incident!), 'utf8');
    for (const line of ['root_spec_id: idea-seed', 'source_spec_id: idea-seed', 'source_stage: arbiter', 'failure_class: arbiter_parity_gap', 'trigger_reason: arbiter_remediation_needed']) expect(text).toContain(line);
    expect(snapshot(ws.runtime)).toMatchObject({ planning_status_marker: '### REMEDIATION_NEEDED', current_failure_class: 'arbiter_parity_gap' });
    const status = await millrace(['status', '-w', ws.root, '--json']);
    expect((JSON.parse(status.stdout) as JsonSuccess<StatusView>).result.closure).toEqual({
      closure_target_root_spec_id: 'idea-seed',
      closure_target_open: true,
      closure_target_blocked_by_lineage_work: false,
      planning_root_specs_deferred_by_closure_target: 0,
      closure_target_latest_verdict_path: 'millrace-agents/arbiter/verdicts/idea-seed.json',
      closure_target_latest_report_path: expect.stringMatching(/^millrace-agents\/arbiter\/reports\/run-[0-9a-f]+\.md$/),
    });

    await daemon(ws.root, 8);
    expect(stages(ws.runtime).slice(6)).toEqual([
      `auditor:${incident!.slice(0, -3)}:AUDITOR_COMPLETE`,
      `planner:${incident!.slice(0, -3)}:PLANNER_COMPLETE`,
      `manager:${incident!.slice(0, -3)}:MANAGER_COMPLETE`,
      'builder:fix-1:BUILDER_COMPLETE',
      'checker:fix-1:CHECKER_PASS',
      'updater:fix-1:UPDATE_COMPLETE',
      'arbiter:closure:ARBITER_COMPLETE',
    ]);
    expect(mdIn(join(ws.runtime, 'incidents', 'resolved'))).toEqual([incident]);
    expect(readFileSync(join(ws.runtime, 'tasks', 'done', 'fix-1.md'), 'utf8')).toContain('root_spec_id: idea-seed');
    expect(target(ws.runtime)).toMatchObject({ closure_open: false });
  });

  slow('a second REMEDIATION_NEEDED with no execution since the last Arbiter pass blocks planning instead of looping', async () => {
    const ws = await seedIdea({ outcomes: { arbiter: ['REMEDIATION_NEEDED', 'REMEDIATION_NEEDED'] }, tasks: { 'idea-seed': [{ id: 't1' }] } });
    await daemon(ws.root, 11);
    expect(stages(ws.runtime).map((s) => s.split(':')[0])).toEqual(['planner', 'manager', 'builder', 'checker', 'updater', 'arbiter', 'auditor', 'planner', 'manager', 'arbiter']);
    expect(mdIn(join(ws.runtime, 'incidents', 'incoming'))).toEqual([]);
    expect(mdIn(join(ws.runtime, 'incidents', 'resolved'))).toHaveLength(1);
    expect(readEvents(ws.runtime).find((e) => e.event_type === 'closure_repeated_remediation_blocked')?.data).toMatchObject({ root_spec_id: 'idea-seed', failure_class: 'closure_repeated_remediation_without_execution' });
    expect(snapshot(ws.runtime)).toMatchObject({ planning_status_marker: '### BLOCKED', current_failure_class: 'closure_repeated_remediation_without_execution' });
    expect(target(ws.runtime)).toMatchObject({ closure_open: true });
  });

  slow('the mechanic repairs a blocked planner until its attempt threshold, then the spec is blocked and closure waits', async () => {
    const ws = await seedIdea({ outcomes: { planner: ['BLOCKED', 'BLOCKED', 'BLOCKED'] } });
    await daemon(ws.root, 6);
    const reasons = readEvents(ws.runtime).filter((e) => e.event_type === 'router_decision').map((e) => `${String(e.data.stage)}->${String(e.data.action)}:${String(e.data.reason)}`);
    expect(reasons).toEqual([
      'planner->run_stage:planner_blocked',
      'mechanic->run_stage:mechanic_complete',
      'planner->run_stage:planner_blocked',
      'mechanic->run_stage:mechanic_complete',
      'planner->blocked:planner_blocked:mechanic_attempts_exhausted',
    ]);
    expect(mdIn(join(ws.runtime, 'specs', 'blocked'))).toEqual(['idea-seed.md']);
    // A blocked lineage item suppresses closure: the Arbiter does not run.
    expect(target(ws.runtime)).toMatchObject({ closure_open: true, closure_blocked_by_lineage_work: true, blocking_work_ids: ['idea-seed'] });
    expect(stages(ws.runtime).some((s) => s.startsWith('arbiter'))).toBe(false);
  });

  slow('BLOCKED keeps the target open, invents no work and does not re-run the Arbiter every tick', async () => {
    const ws = await seedIdea({ outcomes: { arbiter: ['BLOCKED'] }, tasks: { 'idea-seed': [{ id: 't1' }] } });
    await daemon(ws.root, 8);
    expect(stages(ws.runtime).filter((s) => s.startsWith('arbiter'))).toEqual(['arbiter:closure:BLOCKED']);
    expect(target(ws.runtime)).toMatchObject({ closure_open: true, closed_at: null, latest_verdict_path: 'millrace-agents/arbiter/verdicts/idea-seed.json' });
    expect(mdIn(join(ws.runtime, 'incidents', 'incoming'))).toEqual([]);
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual([]);
    expect(snapshot(ws.runtime)).toMatchObject({ planning_status_marker: '### BLOCKED', current_failure_class: 'arbiter_blocked', active_runs_by_plane: {} });
  });

  slow('reports an invalid manager-written task and keeps the file', async () => {
    const ws = await seedIdea({ tasks: { 'idea-seed': [{ id: 'good' }, { id: 'broken', invalid: true }] } });
    await daemon(ws.root, 3);
    const invalid = readEvents(ws.runtime).find((e) => e.event_type === 'planning_document_invalid');
    expect(invalid?.data).toMatchObject({ stage: 'manager', path: 'millrace-agents/tasks/queue/broken.md' });
    expect(mdIn(join(ws.runtime, 'specs', 'done'))).toEqual(['idea-seed.md']);
    const queued = [...mdIn(join(ws.runtime, 'tasks', 'queue')), ...mdIn(join(ws.runtime, 'tasks', 'active')), ...mdIn(join(ws.runtime, 'tasks', 'done'))];
    const quarantined = existsSync(join(ws.runtime, 'tasks', 'queue', 'broken.md.invalid'));
    expect(queued.includes('broken.md') || quarantined).toBe(true);
    expect(queued).toContain('good.md');
  });

  slow('an unrelated root spec waits until the open target closes', async () => {
    const ws = await createPlanningWorkspace({ tasks: { 'idea-alpha': [{ id: 'a1' }], 'idea-beta': [{ id: 'b1' }] } });
    for (const name of ['alpha', 'beta']) {
      writeFileSync(join(ws.root, `${name}.md`), `# ${name}\n\nBuild ${name}.\n`);
      expect((await millrace(['queue', 'add-idea', join(ws.root, `${name}.md`), '-w', ws.root])).exitCode).toBe(0);
    }
    await daemon(ws.root, 12);
    expect(stages(ws.runtime).map((s) => s.split(':').slice(0, 2).join(':'))).toEqual([
      'planner:idea-alpha', 'manager:idea-alpha', 'builder:a1', 'checker:a1', 'updater:a1', 'arbiter:closure',
      'planner:idea-beta', 'manager:idea-beta', 'builder:b1', 'checker:b1', 'updater:b1', 'arbiter:closure',
    ]);
    const held = readEvents(ws.runtime).filter((e) => e.event_type === 'closure_target_backpressure');
    expect(held.length).toBeGreaterThan(0);
    expect(held[0]!.data).toMatchObject({ open_root_spec_id: 'idea-alpha', deferred_root_spec_ids: ['idea-beta'], reason: 'open_closure_target' });
    for (const root of ['idea-alpha', 'idea-beta']) expect(readJson<ClosureTarget>(join(ws.runtime, 'arbiter', 'targets', `${root}.json`)).closure_open).toBe(false);
  });

  slow('an idea dropped into the inbox while the daemon runs becomes a spec', async () => {
    const ws = await createPlanningWorkspace({ tasks: {} });
    const child = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    try {
      const started = Date.now();
      while (!readEvents(ws.runtime).some((e) => e.event_type === 'runtime_started') && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 100));
      mkdirSync(join(ws.runtime, 'ideas', 'inbox'), { recursive: true });
      writeFileSync(join(ws.runtime, 'ideas', 'inbox', 'Late idea!.md'), '# Late\n\nArrived while running.\n');
      while (!existsSync(join(ws.runtime, 'specs', 'done', 'idea-Late-idea.md')) && Date.now() - started < 120_000) await new Promise((r) => setTimeout(r, 200));
      expect(readEvents(ws.runtime).find((e) => e.event_type === 'idea_normalized_to_spec')?.data).toMatchObject({ spec_id: 'idea-Late-idea' });
      expect(readFileSync(join(ws.runtime, 'specs', 'done', 'idea-Late-idea.md'), 'utf8')).toContain('summary: Arrived while running.');
    } finally {
      await millrace(['stop', '-w', ws.root]);
      await child;
    }
    expect(child.exitCode).toBe(0);
  });
});
