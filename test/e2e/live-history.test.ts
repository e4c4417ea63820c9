import { jest } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { RunsLsResult } from '../../src/commands/runs/ls.js';
import type { RunOutputChunk } from '../../src/commands/runs/tail.js';
import type { StatusResult } from '../../src/commands/status/index.js';
import { BIN, createRuntimeWorkspace, millrace, readEvents, writeTask } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

jest.setTimeout(300_000);


describe('a running stage seen from other commands (real daemon, command runner)', () => {
  it('status shows its live usage, runs ls shows it running, runs tail --follow streams its output until the run ends (text and NDJSON)', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['TALK:40:100'] } });
    const toml = join(ws.runtime, 'millrace.toml');
    const gate = join(ws.root, 'gate');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_LIVE_USAGE = "1", FAKE_AGENT_GATE = ${JSON.stringify(gate)}, FAKE_AGENT_SCRIPT`));
    writeTask(ws.runtime, 'task-001');
    const daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--max-ticks', '1'], { reject: false, env: { CI: '1' } });
    try {
      await until('the stage to start', () => readEvents(ws.runtime).some((e) => e.event_type === 'stage_started'));
      const runId = String(readEvents(ws.runtime).find((e) => e.event_type === 'stage_started')!.data.run_id);
      const followText = execa('node', [BIN, 'runs', 'tail', 'latest', '--follow', '-w', ws.root], { reject: false, env: { CI: '1' } });
      const followJson = execa('node', [BIN, 'runs', 'tail', runId.slice(4, 12), '-f', '--json', '-w', ws.root], { reject: false, env: { CI: '1' } });

      let status: StatusResult | undefined;
      await until('live usage in status', async () => {
        status = (JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<StatusResult>).result;
        return (status.active_run_activity[0]?.token_usage?.total_tokens ?? 0) > 0;
      });
      expect(status!.active_run_activity[0]).toMatchObject({ run_id: runId, plane: 'execution', stage: 'builder', lane: null, work_item_id: 'task-001', last_activity: expect.stringMatching(/^working: step \d+$/) });
      expect(status!.active_run_activity[0]!.token_usage).toMatchObject({ input_tokens: 100, output_tokens: expect.any(Number) });
      const text = await millrace(['status', '-w', ws.root]);
      expect(text.stdout).toMatch(new RegExp(`^usage_active_run: run=${runId.slice(4, 16)} stage=execution/builder tokens=\\d+ last_activity_at=\\S+ last_activity=working: step \\d+$`, 'm'));

      const ls = (JSON.parse((await millrace(['runs', 'ls', '-w', ws.root, '--json'])).stdout) as JsonSuccess<RunsLsResult>).result;
      expect(ls.runs[0]).toMatchObject({ run_id: runId, running: true, stage: 'builder', terminal_result: null, completed_at: null, usage: null });
      const lsText = await millrace(['runs', 'ls', '-w', ws.root]);
      expect(lsText.stdout.split('\n')[1]).toMatch(new RegExp(`^${runId.slice(4, 12)} .* execution/builder\\s+task:task-001  running\\s+-$`));

      // the followers are still following the running stage; let it finish
      writeFileSync(gate, '');
      const [done, textOut, jsonOut] = await Promise.all([daemon, followText, followJson]);
      expect(done.exitCode).toBe(0);
      expect(textOut.exitCode).toBe(0);
      for (let i = 1; i <= 40; i++) expect(textOut.stdout).toContain(`working: step ${i}\n`);
      expect(textOut.stdout).toContain('### BUILDER_COMPLETE');
      expect(jsonOut.exitCode).toBe(0);
      const chunks = jsonOut.stdout.trim().split('\n').map((l) => JSON.parse(l) as RunOutputChunk);
      expect(chunks.length).toBeGreaterThan(1);
      expect(new Set(chunks.map((c) => `${c.run_id} ${c.stage}`))).toEqual(new Set([`${runId} builder`]));
      expect(chunks.map((c) => c.text).join('')).toContain('working: step 1\nworking: step 2\n');
      expect(chunks.map((c) => c.text).join('')).toContain('### BUILDER_COMPLETE');
      // finished: nothing is running, the stage's live activity file is gone, and status shows no active usage line
      expect(existsSync(join(ws.runtime, 'runs', runId, 'live_activity.json'))).toBe(false);
      expect(existsSync(join(ws.runtime, 'runs', runId, 'stage_results'))).toBe(true);
      expect((await millrace(['status', '-w', ws.root])).stdout).not.toContain('usage_active_run:');
    } finally {
      daemon.kill('SIGKILL');
    }
  });
});

describe('run once and Ctrl-C (real process, SIGINT)', () => {
  it('acknowledges the first Ctrl-C at once, finishes and applies the running stage, then exits 130', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:6000'] } });
    writeTask(ws.runtime, 'task-001');
    const once = execa('node', [BIN, 'run', 'once', '-w', ws.root], { reject: false, env: { CI: '1' } });
    let stderr = '';
    once.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    await until('the stage to start', () => readEvents(ws.runtime).some((e) => e.event_type === 'stage_started'));
    once.kill('SIGINT');
    await until('the Ctrl-C acknowledgement', () => stderr.includes('finishing the current stage; Ctrl-C again to abandon'));
    // acknowledged while the stage still sleeps
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'stage_completed')).toBe(false);
    const done = await once;
    expect(done.exitCode).toBe(130);
    expect(done.stdout).toContain('terminal_result: BUILDER_COMPLETE');
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'stage_completed').map((e) => e.data.terminal_result)).toEqual(['BUILDER_COMPLETE']);
  });

  it('a second Ctrl-C abandons the running stage and requeues its item', async () => {
    const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:60000'] } });
    writeTask(ws.runtime, 'task-001');
    const once = execa('node', [BIN, 'run', 'once', '-w', ws.root], { reject: false, env: { CI: '1' } });
    let stderr = '';
    once.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    await until('the stage to start', () => readEvents(ws.runtime).some((e) => e.event_type === 'stage_started'));
    once.kill('SIGINT');
    await until('the Ctrl-C acknowledgement', () => stderr.includes('finishing the current stage'));
    once.kill('SIGINT');
    const done = await once;
    expect(stderr).toContain('abandoning the current stage; its work item is requeued');
    expect(done.exitCode).toBe(130);
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'stage_abandoned')).toBe(true);
    expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 'task-001.md'), 'utf8')).toContain('task_id: task-001');
  });
});
