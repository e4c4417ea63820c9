import { jest } from '@jest/globals';
import { execa } from 'execa';
import { BIN, createRuntimeWorkspace, readEvents, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(180_000);

const waitFor = async (check: () => boolean, ms = 60_000) => {
  for (let waited = 0; !check(); waited += 50) {
    if (waited > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('live progress of run daemon (real daemon, command runner, no TTY)', () => {
  it('shows the stage with its item and timeout, the agent\'s latest output, and the finished line with item and duration', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['TALK:4:600'] } });
    writeTask(ws.runtime, 'task-001');
    const r = await execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--max-ticks', '1'], { reject: false, env: { CI: '1' } });
    expect(r.exitCode).toBe(0);
    const out = r.stdout;
    expect(out).toContain('execution/builder task:task-001 (timeout 3600s)');
    expect(out).toMatch(/output: working: step \d/);
    expect(out).toMatch(/execution\/builder task:task-001 -> BUILDER_COMPLETE in \d+\.\ds/);
  });

  it('run once shows the same live progress for its one stage, and --monitor basic its activity lines', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['TALK:4:600', 'TALK:3:1200'] } });
    writeTask(ws.runtime, 'task-001');
    const r = await execa('node', [BIN, 'run', 'once', '-w', ws.root], { reject: false, env: { CI: '1' } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('execution/builder task:task-001 (timeout 3600s)');
    expect(r.stdout).toMatch(/output: working: step \d/);
    expect(r.stdout).toMatch(/execution\/builder task:task-001 -> BUILDER_COMPLETE in \d+\.\ds/);
    expect(r.stdout).toContain('terminal_result: BUILDER_COMPLETE');
    const json = await execa('node', [BIN, 'run', 'once', '-w', ws.root, '--json'], { reject: false, env: { CI: '1' } });
    expect(JSON.parse(json.stdout)).toMatchObject({ result: { stage: 'checker', terminal_result: 'CHECKER_PASS' } });
    const other = await createRuntimeWorkspace({ script: { builder: ['TALK:3:1200'] } });
    writeTask(other.runtime, 'task-002');
    const basic = await execa('node', [BIN, 'run', 'once', '-w', other.root, '--monitor', 'basic'], { reject: false, env: { CI: '1' } });
    expect(basic.exitCode).toBe(0);
    expect(basic.stdout.split('\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^\[\d\d:\d\d:\d\d\] activity execution\/builder run=[0-9a-f]{8} \+\d+s output: working: step \d$/)]));
  });

  it('--monitor basic prints activity lines with elapsed time, failures with class, item and run id, and idle with queue depths', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['TALK:3:1200'], checker: ['NONE'] } });
    writeTask(ws.runtime, 'task-001');
    const r = await execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--max-ticks', '3', '--monitor', 'basic'], { reject: false, env: { CI: '1' } });
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\[\d\d:\d\d:\d\d\] activity execution\/builder run=[0-9a-f]{8} \+\d+s output: working: step \d$/)]));
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^\[\d\d:\d\d:\d\d\] stage failed execution\/checker run=[0-9a-f]{8} work=task:task-001 class=missing_terminal_result dur=\d+\.\ds$/)]));
    const empty = await createRuntimeWorkspace();
    const idle = await execa('node', [BIN, 'run', 'daemon', '-w', empty.root, '--max-ticks', '1', '--monitor', 'basic'], { reject: false, env: { CI: '1' } });
    expect(idle.stdout).toMatch(/\] idle reason=no_work queue execution=0 planning=0$/m);
  });

  it('shows the idle state instead of a blank screen, acknowledges the first Ctrl-C at once and exits 130', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:4000'] } });
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
    let stdout = '';
    let stderr = '';
    daemon.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    daemon.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(() => stdout.includes('idle: waiting for work (queue execution=0 planning=0)'));
    writeTask(ws.runtime, 'task-001');
    await waitFor(() => readEvents(ws.runtime).some((e) => e.event_type === 'stage_started'));
    daemon.kill('SIGINT');
    // acknowledged while the stage is still running (it sleeps 4 s)
    await waitFor(() => stderr.includes('finishing the current stage; Ctrl-C again to abandon'));
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'stage_completed')).toBe(false);
    const done = await daemon;
    expect(done.exitCode).toBe(130);
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'stage_completed')).toBe(true);
  });
});
