import { jest } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { RunDaemonResult } from '../../src/commands/run/daemon.js';
import type { RunOnceResult } from '../../src/commands/run/once.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

const waitFor = async (check: () => boolean, ms = 30_000) => {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

jest.setTimeout(120_000);

describe('run daemon ownership, signals and idling', () => {
  it('a second runtime fails fast while a daemon holds the lock; Ctrl-C stops the idle daemon cleanly', async () => {
    const ws = await createRuntimeWorkspace();
    const lock = join(ws.runtime, 'state', 'runtime_daemon.lock.json');
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    await waitFor(() => existsSync(lock));
    const second = await millrace(['run', 'once', '-w', ws.root, '--json']);
    expect(second.exitCode).toBe(4);
    const failure = JSON.parse(second.stdout) as JsonFailure;
    expect(failure.error.code).toBe('LOCK_HELD');
    expect(failure.error.message).toMatch(/^workspace runtime ownership lock is already held by pid=\d+ host=\S+ session=[0-9a-f]{32}$/);
    const status = JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<{ runtime_ownership_lock: string; process_running: boolean }>;
    expect(status.result).toMatchObject({ runtime_ownership_lock: 'active', process_running: true });
    daemon.kill('SIGINT');
    const done = await daemon;
    expect(done.exitCode).toBe(130);
    expect(done.stderr).toContain('finishing the current stage; Ctrl-C again to abandon');
    expect(done.stdout).toContain('interrupted: true');
    expect(done.stdout).toMatch(/ticks: \d+/);
    expect(existsSync(lock)).toBe(false);
    expect(readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json')).process_running).toBe(false);
  });

  it('Ctrl-C mid-stage finishes the stage, then stops between stages keeping the item for its next stage', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:2500'] } });
    writeTask(ws.runtime, 'task-001');
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    await waitFor(() => readEvents(ws.runtime).some((e) => e.event_type === 'stage_started'));
    daemon.kill('SIGINT');
    const done = await daemon;
    expect(done.exitCode).toBe(130);
    const events = readEvents(ws.runtime).map((e) => e.event_type);
    expect(events).toContain('stage_completed');
    expect(events).toContain('runtime_tick_stopped');
    // Finished stage work is kept: the item waits in active/ for the checker, which the next start runs.
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual(['task-001.md']);
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual([]);
    expect(existsSync(join(ws.runtime, 'tasks', 'queue', 'task-001.requeue.jsonl'))).toBe(false);
    expect(readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'))).toMatchObject({ active_stage: 'checker', active_work_item_id: 'task-001', stop_requested: false, process_running: false });
  });

  it('--max-ticks counts ticks, and idle ticks do not flood the events log', async () => {
    const ws = await createRuntimeWorkspace();
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '5', '--json']);
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(r.stdout) as JsonSuccess<RunDaemonResult>).result).toMatchObject({ ticks: 5, stages_run: 0, stopped: 'max_ticks' });
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'runtime_tick_idle')).toHaveLength(1);
  });

  it('run once runs one stage and exits 1 when the agent prints no legal marker', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['NONE'] } });
    writeTask(ws.runtime, 'task-001');
    const r = await millrace(['run', 'once', '-w', ws.root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['run_mode: once', 'active_mode_id: default_command', 'mode_override: none', 'tick_reason: builder_blocked']));
    const snapshot = readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));
    expect(snapshot).toMatchObject({ active_stage: 'troubleshooter', current_failure_class: 'missing_terminal_result' });
    const again = JSON.parse((await millrace(['run', 'once', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunOnceResult>;
    expect(again.result).toMatchObject({ stage: 'troubleshooter', terminal_result: 'TROUBLESHOOT_COMPLETE', tick_reason: 'troubleshoot_complete', exit_code: 0 });
  });
});

describe('monitor and status watch output', () => {
  it('--monitor basic prints spec lines; --monitor-log appends them to a file; status watch stops after --max-updates', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 'task-001');
    const log = join(ws.root, 'logs', 'monitor.log');
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '3', '--monitor', 'basic', '--monitor-log', log]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] runtime started mode=default_command plan=plan-\S+ currentness=current$/m);
    expect(r.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] stage start execution\/builder run=[0-9a-f]{8} work=task:task-001$/m);
    expect(r.stdout).toMatch(/^\[\d\d:\d\d:\d\d\] route execution -> checker reason=builder:BUILDER_COMPLETE$/m);
    expect(readFileSync(log, 'utf8')).toContain('stage done execution/checker');
    const bad = await millrace(['run', 'daemon', '-w', ws.root, '--monitor', 'fancy']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('unknown monitor mode: fancy');
    const watch = await millrace(['status', 'watch', '-w', ws.root, '--max-updates', '2', '--interval-seconds', '0']);
    expect(watch.exitCode).toBe(0);
    expect(watch.stdout.match(/^workspace: /gm)).toHaveLength(2);
  });
});
