import { jest } from '@jest/globals';
import { readFileSync, readdirSync, writeFileSync as writeFileSyncCompat } from 'node:fs';
import { join } from 'node:path';
import type { StageResultEnvelope } from '../../src/contracts/runtime-state.js';
import { createRuntimeWorkspace, millrace, readEvents, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(180_000);

function stageResults(runtime: string): StageResultEnvelope[] {
  const runs = join(runtime, 'runs');
  return readdirSync(runs).flatMap((run) => {
    const dir = join(runs, run, 'stage_results');
    try {
      return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as StageResultEnvelope);
    } catch {
      return [];
    }
  });
}

describe('stall detection (real daemon, command runner)', () => {
  it('ends a silent agent as runner_stalled, records the last activity time, and routes it like a timeout', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:60000'] }, extraToml: '[stages.builder]\nstall_timeout_seconds = 2\n' });
    writeTask(ws.runtime, 'task-001');
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1', '--json'], { timeout: 90_000 });
    expect(r.exitCode).toBe(0);
    const builder = stageResults(ws.runtime).find((s) => s.stage === 'builder');
    expect(builder).toMatchObject({ terminal_result: 'BLOCKED', result_class: 'recoverable_failure', metadata: { failure_class: 'runner_stalled', raw_exit_kind: 'timeout' } });
    expect(builder?.notes.join('\n')).toMatch(/^no runner activity since \d{4}-\d\d-\d\dT[\d:.]+Z \(stall_timeout_seconds=2\); ended at /);
    expect(builder!.duration_seconds).toBeLessThan(50);
    const stalled = readEvents(ws.runtime).find((e) => e.event_type === 'runner_stalled');
    expect(stalled?.data).toMatchObject({ stage: 'builder', stall_timeout_seconds: 2 });
    expect(Date.parse(String(stalled?.data.stalled_at)) - Date.parse(String(stalled?.data.last_activity_at))).toBeGreaterThanOrEqual(2000);
    const decision = readEvents(ws.runtime).find((e) => e.event_type === 'router_decision');
    expect(decision?.data).toMatchObject({ failure_class: 'runner_stalled', next_stage: 'troubleshooter' });
  });

  it('keeps an agent that keeps talking alive past the stall timeout; a stage setting of 0 overrides the runner section', async () => {
    // 8 lines one second apart: 8 s in all, never 5 s silent (node's own start-up included)
    const ws = await createRuntimeWorkspace({ script: { builder: ['TALK:8:1000'] }, extraToml: '[stages.builder]\nstall_timeout_seconds = 5\n' });
    writeTask(ws.runtime, 'task-001');
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1', '--json'], { timeout: 90_000 });
    expect(r.exitCode).toBe(0);
    expect(stageResults(ws.runtime).find((s) => s.stage === 'builder')).toMatchObject({ terminal_result: 'BUILDER_COMPLETE', metadata: { failure_class: null } });

    // silent for 3 s with a 1 s stall timeout on the runner section, but the stage's 0 switches it off
    const off = await createRuntimeWorkspace({ script: { builder: ['SLEEP:3000'] }, extraToml: '[stages.builder]\nstall_timeout_seconds = 0\n' });
    const toml = join(off.runtime, 'millrace.toml');
    writeFileSyncCompat(toml, readFileSync(toml, 'utf8').replace('[runners.command]\n', '[runners.command]\nstall_timeout_seconds = 1\n'));
    writeTask(off.runtime, 'task-002');
    const o = await millrace(['run', 'daemon', '-w', off.root, '--max-ticks', '1', '--json'], { timeout: 90_000 });
    expect(o.exitCode).toBe(0);
    expect(stageResults(off.runtime).find((s) => s.stage === 'builder')).toMatchObject({ terminal_result: 'BUILDER_COMPLETE' });
  });

  it('refuses a negative runner-section stall timeout with the file and field named', async () => {
    const ws = await createRuntimeWorkspace();
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSyncCompat(toml, readFileSync(toml, 'utf8').replace('[runners.command]\n', '[runners.command]\nstall_timeout_seconds = -1\n'));
    const r = await millrace(['config', 'validate', '-w', ws.root]);
    expect(r.exitCode).not.toBe(0);
    expect(`${r.stdout}\n${r.stderr}`).toMatch(/millrace\.toml.*runners\.command\.stall_timeout_seconds/);
  });
});

