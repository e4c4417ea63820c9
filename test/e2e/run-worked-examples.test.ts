import { jest } from '@jest/globals';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { RunDaemonResult } from '../../src/commands/run/daemon.js';
import type { RecoveryCounters, RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

const decisions = (runtime: string) => readEvents(runtime).filter((e) => e.event_type === 'router_decision').map((e) => `${String(e.data.stage)}:${String(e.data.terminal_result)}->${String(e.data.action)}:${String(e.data.next_stage ?? '-')}:${String(e.data.reason)}`);

jest.setTimeout(120_000);

describe('routing.md §11 worked examples through `run daemon` and the command runner', () => {
  it('(a) builder -> checker -> updater -> done', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 'task-001');
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '4', '--json']);
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as JsonSuccess<RunDaemonResult>;
    expect(out.result).toMatchObject({ ticks: 4, stages_run: 3, active_mode_id: 'default_command' });
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['task-001.md']);
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual([]);
    expect(decisions(ws.runtime)).toEqual([
      'builder:BUILDER_COMPLETE->run_stage:checker:builder:BUILDER_COMPLETE',
      'checker:CHECKER_PASS->run_stage:updater:checker:CHECKER_PASS',
      'updater:UPDATE_COMPLETE->idle:-:updater_complete',
    ]);
    const snapshot = readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ active_stage: null, active_runs_by_plane: {}, last_terminal_result: 'UPDATE_COMPLETE', process_running: false, execution_status_marker: '### IDLE' });
    expect(readJson<RecoveryCounters>(join(ws.runtime, 'state', 'recovery_counters.json')).entries).toEqual([]);
    const types = readEvents(ws.runtime).map((e) => e.event_type);
    expect(types.filter((t) => t === 'runtime_tick_idle')).toHaveLength(1);
    expect(types.indexOf('runtime_started')).toBeLessThan(types.indexOf('stage_started'));
    const runs = readEvents(ws.runtime).filter((e) => e.event_type === 'stage_started').map((e) => e.data.run_id);
    expect(new Set(runs).size).toBe(1);
  });

  it('(b) FIX_NEEDED twice, then exhaustion routes to troubleshooter', async () => {
    const ws = await createRuntimeWorkspace({ script: { checker: ['FIX_NEEDED'], doublechecker: ['FIX_NEEDED', 'FIX_NEEDED'] } });
    writeTask(ws.runtime, 'task-001');
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '6', '--json']);
    expect(r.exitCode).toBe(0);
    expect(decisions(ws.runtime)).toEqual([
      'builder:BUILDER_COMPLETE->run_stage:checker:builder:BUILDER_COMPLETE',
      'checker:FIX_NEEDED->run_stage:fixer:fix_needed',
      'fixer:FIXER_COMPLETE->run_stage:doublechecker:fixer:FIXER_COMPLETE',
      'doublechecker:FIX_NEEDED->run_stage:fixer:fix_needed',
      'fixer:FIXER_COMPLETE->run_stage:doublechecker:fixer:FIXER_COMPLETE',
      'doublechecker:FIX_NEEDED->run_stage:troubleshooter:fix_cycle_exhausted',
    ]);
    const snapshot = readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ active_stage: 'troubleshooter', current_failure_class: 'fix_cycle_exhausted', fix_cycle_count: 2, troubleshoot_attempt_count: 1 });
    const entries = readJson<RecoveryCounters>(join(ws.runtime, 'state', 'recovery_counters.json')).entries;
    expect(entries.map((e) => [e.failure_class, e.fix_cycle_count, e.troubleshoot_attempt_count])).toEqual([
      ['fix_cycle', 2, 0],
      ['fix_cycle_exhausted', 0, 1],
    ]);
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual(['task-001.md']);
  });

  it('(c) BLOCKED chain escalates to consultant; NEEDS_PLANNING creates an incident with lineage', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['BLOCKED'], troubleshooter: ['BLOCKED', 'BLOCKED'], consultant: ['NEEDS_PLANNING'] } });
    writeTask(ws.runtime, 'task-001', { root_idea_id: 'idea-seed', root_spec_id: 'idea-seed', spec_id: 'idea-seed' });
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '4', '--json']);
    expect(r.exitCode).toBe(0);
    expect(decisions(ws.runtime)).toEqual([
      'builder:BLOCKED->run_stage:troubleshooter:builder_blocked',
      'troubleshooter:BLOCKED->run_stage:troubleshooter:troubleshooter_blocked',
      'troubleshooter:BLOCKED->run_stage:consultant:troubleshooter_blocked',
      'consultant:NEEDS_PLANNING->handoff:auditor:consultant_needs_planning',
    ]);
    expect(mdIn(join(ws.runtime, 'tasks', 'blocked'))).toEqual(['task-001.md']);
    const incidents = mdIn(join(ws.runtime, 'incidents', 'incoming'));
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatch(/^incident-task-001-[0-9a-f]{8}\.md$/);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(join(ws.runtime, 'incidents', 'incoming', incidents[0]!), 'utf8');
    for (const line of ['root_idea_id: idea-seed', 'root_spec_id: idea-seed', 'source_task_id: task-001', 'source_spec_id: idea-seed', 'source_stage: consultant', 'failure_class: consultant_needs_planning', 'trigger_reason: consultant_needs_planning', 'severity: high']) {
      expect(text).toContain(line);
    }
    const snapshot = readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ active_stage: null, execution_status_marker: '### NEEDS_PLANNING' });
    expect(readJson<RecoveryCounters>(join(ws.runtime, 'state', 'recovery_counters.json')).entries).toEqual([]);
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'runtime_handoff_incident_enqueued' && e.data.source_work_item_id === 'task-001')).toBe(true);
  });
});
