import { execa } from 'execa';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

// Operator intent survives restarts: a pause outlives every way the daemon can end, and a clean stop between stages
// leaves the item to be continued, not restarted. Real daemons, real signals.
type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;
const snapshot = (ws: Ws) => readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));

async function cli(ws: Ws, args: string[]): Promise<Record<string, unknown>> {
  const r = await millrace([...args, '-w', ws.root, '--json']);
  expect({ args, exit: r.exitCode, stderr: r.stderr }).toEqual({ args, exit: 0, stderr: '' });
  return (JSON.parse(r.stdout) as { result: Record<string, unknown> }).result;
}

const stagesStarted = (ws: Ws) => readEvents(ws.runtime).filter((e) => e.event_type === 'stage_started').map((e) => e.data.stage);

describe('operator intent survives restarts', () => {
  it.each(['SIGTERM', 'SIGINT', 'SIGKILL'] as const)('a pause survives %s of the daemon and only resume clears it', async (signal) => {
    const ws = await createRuntimeWorkspace();
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    await until('the daemon', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')) && snapshot(ws).process_running);
    expect(await cli(ws, ['control', 'pause'])).toMatchObject({ mode: 'mailbox' });
    await until('paused', () => snapshot(ws).paused);
    daemon.kill(signal);
    await daemon;
    expect(snapshot(ws)).toMatchObject({ paused: true, pause_sources: ['operator'] });

    // A new daemon stays paused: the task waits.
    writeTask(ws.runtime, 'task-a');
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '2'])).exitCode).toBe(0);
    expect(snapshot(ws).paused).toBe(true);
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual(['task-a.md']);
    expect(await cli(ws, ['control', 'stop'])).toMatchObject({ mode: 'direct' });
    expect(snapshot(ws).paused).toBe(true);
    expect(await cli(ws, ['control', 'resume'])).toMatchObject({ mode: 'direct', applied: true });
    expect(snapshot(ws).paused).toBe(false);
  }, 120_000);

  it('--max-ticks ending between stages: doctor sees no error and the next start runs the next stage', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 'task-a');
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1'])).exitCode).toBe(0);
    expect(snapshot(ws)).toMatchObject({ process_running: false, active_stage: 'checker', active_work_item_id: 'task-a' });
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual(['task-a.md']);
    const doctor = await millrace(['doctor', '-w', ws.root, '--json']);
    const findings = (JSON.parse(doctor.stdout) as { result: { findings: Array<{ severity: string; code: string }> } }).result.findings;
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1'])).exitCode).toBe(0);
    expect(stagesStarted(ws)).toEqual(['builder', 'checker']);
  }, 120_000);

  it('a stop sent during a stage lets it finish and keeps the item for its next stage', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'millrace-gate-')), 'builder-may-finish');
    const ws = await createRuntimeWorkspace({ script: { builder: [`GATE:${gate}`] } });
    writeTask(ws.runtime, 'task-a');
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    await until('the builder stage', () => existsSync(join(ws.runtime, 'state', 'runtime_snapshot.json')) && snapshot(ws).active_stage === 'builder');
    expect(await cli(ws, ['control', 'stop'])).toMatchObject({ mode: 'mailbox' });
    writeFileSync(gate, '');
    expect((await daemon).exitCode).toBe(0);
    expect(snapshot(ws)).toMatchObject({ process_running: false, stop_requested: false, active_stage: 'checker', active_work_item_id: 'task-a' });
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual(['task-a.md']);
    expect(existsSync(join(ws.runtime, 'tasks', 'queue', 'task-a.requeue.jsonl'))).toBe(false);
    expect((await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1'])).exitCode).toBe(0);
    expect(stagesStarted(ws)).toEqual(['builder', 'checker']);
  }, 120_000);
});
