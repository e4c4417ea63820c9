import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunsLsResult } from '../../src/commands/runs/ls.js';
import type { RunsShowResult } from '../../src/commands/runs/show.js';
import type { RunsTailResult } from '../../src/commands/runs/tail.js';
import type { StatusResult } from '../../src/commands/status/index.js';
import { createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';

describe('status and runs after a finished task', () => {
  it('reports status lines in spec order and inspects the run', async () => {
    const ws = await createRuntimeWorkspace({ script: { checker: ['FIX_NEEDED'] } });
    writeTask(ws.runtime, 'task-001');
    writeTask(ws.runtime, 'task-002', {}, '2026-11-27T11:00:00Z');
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '3'])).exitCode).toBe(0);

    const text = await millrace(['status', '-w', ws.root]);
    const keys = text.stdout.split('\n').map((l) => l.split(':')[0]);
    expect(keys.slice(0, 23)).toEqual([
      'workspace', 'runtime_mode', 'process_running', 'runtime_ownership_lock', 'paused', 'pause_sources', 'stop_requested', 'active_mode_id',
      'compiled_plan_id', 'compiled_plan_currentness', 'active_plane', 'active_stage', 'active_node_id', 'active_stage_kind_id', 'active_work_item_kind',
      'active_work_item_id', 'active_run_count', 'execution_queue_depth', 'planning_queue_depth', 'learning_queue_depth', 'execution_status_marker',
      'planning_status_marker', 'learning_status_marker',
    ]);
    expect(text.stdout).toMatch(/^active_run: plane=execution stage=doublechecker node=doublechecker stage_kind=doublechecker request_kind=active_work_item work_item_kind=task work_item_id=task-001 run=[0-9a-f]{12}$/m);
    expect(text.stdout).toContain('compiled_plan_currentness: current');
    expect(text.stdout).not.toContain('current_failure_class:');

    const status = JSON.parse((await millrace(['status', 'show', '-w', ws.root, '--json'])).stdout) as JsonSuccess<StatusResult>;
    expect(status.result).toMatchObject({ runtime_ownership_lock: 'absent', process_running: false, active_stage: 'doublechecker', execution_queue_depth: 1, execution_status_marker: '### FIXER_COMPLETE', active_run_count: 1 });
    expect(status.result.counters.fix_cycle_count).toBe(1);

    const ls = JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsLsResult>;
    expect(ls.result.runs).toHaveLength(1);
    const run = ls.result.runs[0]!;
    expect(run).toMatchObject({ status: 'valid', work_item_kind: 'task', work_item_id: 'task-001' });

    const show = JSON.parse((await millrace(['runs', 'show', run.run_id, '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsShowResult>;
    expect(show.result.stage_results.map((s) => `${s.stage}:${s.terminal_result}`)).toEqual(['builder:BUILDER_COMPLETE', 'checker:FIX_NEEDED', 'fixer:FIXER_COMPLETE']);
    expect(show.result.primary_stdout_path).toMatch(/^runner_stdout\.request-[0-9a-f]{32}\.txt$/);

    const tail = JSON.parse((await millrace(['runs', 'tail', run.run_id, '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsTailResult>;
    expect(tail.result.content).toContain('### FIXER_COMPLETE');

    const missing = await millrace(['runs', 'show', 'run-nope', '-w', ws.root, '--json']);
    expect(missing.exitCode).toBe(1);
    expect((JSON.parse(missing.stdout) as JsonFailure).error).toMatchObject({ code: 'NOT_FOUND', message: 'run not found: run-nope' });
  }, 180_000);
});
