import { execa, type ResultPromise } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { ControlPauseResult } from '../../src/commands/control/pause.js';
import type { MailboxArchive, MailboxFailure } from '../../src/contracts/mailbox.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

type Ws = Awaited<ReturnType<typeof createRuntimeWorkspace>>;
const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 180_000);
const snapshot = (ws: Ws) => readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'));

async function control(ws: Ws, args: string[]) {
  const r = await millrace([...args, '-w', ws.root, '--json']);
  expect({ args, exit: r.exitCode, stderr: r.stderr }).toEqual({ args, exit: 0, stderr: '' });
  return (JSON.parse(r.stdout) as JsonSuccess<ControlPauseResult>).result;
}

/** The processed archive, or for a failed command its reason sidecar (the envelope itself is moved there unchanged). */
const archive = (ws: Ws, disposition: 'processed' | 'failed', commandId: string) => {
  const file = join(ws.runtime, 'state', 'mailbox', disposition, disposition === 'processed' ? `${commandId}.json` : `${commandId}.json.reason.json`);
  return existsSync(file) ? readJson<MailboxArchive | MailboxFailure>(file) : undefined;
};

describe('control commands with no daemon apply directly', () => {
  slow('pause, resume and stop change the snapshot right away', async () => {
    const ws = await createRuntimeWorkspace();
    expect(await control(ws, ['control', 'pause'])).toEqual({ action: 'pause', mode: 'direct', applied: true, detail: 'runtime paused directly' });
    expect(snapshot(ws)).toMatchObject({ paused: true, pause_sources: ['operator'] });
    expect(await control(ws, ['pause'])).toMatchObject({ applied: false });
    const text = await millrace(['resume', '-w', ws.root]);
    expect(text.stdout).toBe('action: resume\nmode: direct\napplied: true\ndetail: runtime resumed directly');
    expect(snapshot(ws)).toMatchObject({ paused: false, pause_sources: [] });
    expect(await control(ws, ['stop'])).toMatchObject({ action: 'stop', mode: 'direct', applied: true });
    expect(snapshot(ws)).toMatchObject({ stop_requested: false, process_running: false, execution_status_marker: '### IDLE' });
  });

  slow('retry-active requeues the active task left by `run once`, with its reason logged', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 't1');
    expect((await millrace(['run', 'once', '-w', ws.root])).exitCode).toBe(0);
    expect(mdIn(join(ws.runtime, 'tasks', 'active'))).toEqual(['t1.md']);
    expect(await control(ws, ['planning', 'retry-active'])).toEqual({
      action: 'retry_active',
      mode: 'direct',
      applied: false,
      detail: 'planning retry requires active planning work; current active planes are execution',
    });
    expect(await control(ws, ['retry-active', '--reason', 'flaky tool'])).toEqual({ action: 'retry_active', mode: 'direct', applied: true, detail: 'active task t1 requeued' });
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual(['t1.md']);
    expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 't1.requeue.jsonl'), 'utf8')).toContain('"reason":"flaky tool"');
    expect(snapshot(ws)).toMatchObject({ active_runs_by_plane: {}, active_stage: null });
  });

  slow('clear-stale-state removes a dead owner\'s lock and requeues active work', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 't1');
    await millrace(['run', 'once', '-w', ws.root]);
    const lock = { workspace_root: ws.root, owner_pid: 2 ** 22 + 17, owner_hostname: hostname(), owner_session_id: 'f'.repeat(32), acquired_at: new Date().toISOString() };
    writeFileSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'), `${JSON.stringify(lock)}\n`);
    const result = await control(ws, ['clear-stale-state']);
    expect(result).toEqual({ action: 'clear_stale_state', mode: 'direct', applied: true, detail: 'cleared stale runtime state; requeued=1; runtime_ownership_lock=cleared_stale' });
    expect(existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual(['t1.md']);
    expect(readJson<{ entries: unknown[] }>(join(ws.runtime, 'state', 'recovery_counters.json')).entries).toEqual([]);
  });

  slow('reload-config recompiles now and refuses a config that no longer compiles, keeping the last good plan', async () => {
    const ws = await createRuntimeWorkspace();
    const first = await control(ws, ['control', 'reload-config']);
    expect(first).toMatchObject({ action: 'reload_config', mode: 'direct', applied: true, detail: expect.stringMatching(/^config reloaded; compiled plan plan-/) });
    const plan = readFileSync(join(ws.runtime, 'state', 'compiled_plan.json'), 'utf8');
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('default_mode = "default_command"', 'default_mode = "no_such_mode"'));
    const refused = await control(ws, ['config', 'reload']);
    expect(refused).toMatchObject({ applied: false, detail: expect.stringMatching(/^reload refused: .*; kept last known good plan plan-/) });
    expect(readFileSync(join(ws.runtime, 'state', 'compiled_plan.json'), 'utf8')).toBe(plan);
  });
});

describe('control commands with a live daemon go through the mailbox', () => {
  let ws: Ws;
  let daemon: ResultPromise<{ reject: false; env: Record<string, string> }> | null = null;

  async function startDaemon(env: Record<string, string> = {}) {
    daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--json'], { reject: false, env: { CI: '1', ...env } });
    await until('the daemon lock', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')) && snapshot(ws).process_running);
  }

  afterEach(async () => {
    // exitCode is null (not undefined) while it runs; kill() of an exited process does nothing.
    if (daemon) {
      daemon.kill('SIGKILL');
      await daemon;
    }
    daemon = null;
  });

  async function viaMailbox(args: string[]) {
    const result = await control(ws, args);
    expect(result).toMatchObject({ mode: 'mailbox', applied: false, command_id: expect.any(String), mailbox_path: expect.stringContaining(join('state', 'mailbox', 'incoming')) });
    return until(`archive of ${result.command_id}`, () => archive(ws, 'processed', result.command_id!) ?? archive(ws, 'failed', result.command_id!));
  }

  slow('pause, resume, reload-config, clear-stale-state and stop', async () => {
    ws = await createRuntimeWorkspace();
    await startDaemon();
    expect(await viaMailbox(['pause'])).toMatchObject({ disposition: 'processed', envelope: { command: 'pause', issuer: 'operator' }, result: { applied: true } });
    await until('paused', () => snapshot(ws).paused);
    expect(await viaMailbox(['control', 'resume'])).toMatchObject({ disposition: 'processed', result: { applied: true } });
    expect(snapshot(ws).paused).toBe(false);
    expect(await viaMailbox(['reload-config'])).toMatchObject({ disposition: 'processed', result: { applied: true } });
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'runtime_config_reloaded')).toBe(true);
    expect(await viaMailbox(['clear-stale-state', '--reason', 'operator check'])).toMatchObject({ disposition: 'processed', envelope: { payload: { reason: 'operator check' } }, result: { applied: true, requeued: 0 } });
    expect(existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(true);
    expect(await viaMailbox(['stop'])).toMatchObject({ disposition: 'processed', result: { applied: true } });
    const done = await daemon!;
    expect(done.exitCode).toBe(0);
    expect(JSON.parse(done.stdout).result).toMatchObject({ stopped: 'stop_requested' });
    expect(readdirSync(join(ws.runtime, 'state', 'mailbox', 'incoming'))).toEqual([]);
    expect(existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
  });

  slow('retry-active requeues the item in flight once its stage finishes; a failing reload keeps the old plan', async () => {
    ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 't1');
    await startDaemon({ FAKE_AGENT_SLEEP_MS: '2500' });
    await until('t1 active', () => mdIn(join(ws.runtime, 'tasks', 'active')).includes('t1.md'));
    const retried = await viaMailbox(['control', 'retry-active', '--reason', 'operator retry']);
    expect(retried).toMatchObject({ disposition: 'processed', result: { applied: true, detail: 'active task t1 requeued' } });
    expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 't1.requeue.jsonl'), 'utf8')).toContain('"reason":"operator retry"');

    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('default_mode = "default_command"', 'default_mode = "no_such_mode"'));
    const planBefore = snapshot(ws).compiled_plan_id;
    // While t1 runs again the reload is deferred; once the plane drains it is refused and the old plan kept.
    const reload = await viaMailbox(['control', 'reload-config']);
    expect(reload.disposition === 'processed' || reload.disposition === 'failed').toBe(true);
    await until('reload outcome', () => readEvents(ws.runtime).find((e) => e.event_type === 'runtime_config_reload_failed'), 120_000);
    expect(snapshot(ws)).toMatchObject({ compiled_plan_id: planBefore, last_reload_outcome: 'failed_retained_previous_plan' });
    // `config show` says what the file now holds, and that the runtime kept its previous config.
    const shown = (await millrace(['config', 'show', '-w', ws.root])).stdout.split('\n');
    expect(shown[0]).toBe('default_mode: no_such_mode');
    expect(shown.slice(5, 8)).toEqual([`config_version: ${snapshot(ws).config_version}`, 'last_reload_outcome: failed_retained_previous_plan', expect.stringMatching(/^last_reload_error: .*no_such_mode/)]);
    await control(ws, ['stop']);
    await daemon!;
  });
});
