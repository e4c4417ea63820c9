import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { DoctorResult } from '../../src/commands/doctor.js';
import { runCli } from '../support/cli.js';
import { createRuntimeWorkspace, millrace, REPO_ROOT, writeTask } from '../support/runtime-workspace.js';

const THROWING = join(REPO_ROOT, 'test', 'fixtures', 'plugin-throwing');
const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 300_000);

describe('millrace doctor', () => {
  slow('a fresh workspace is healthy (a missing plan is only a warning)', async () => {
    const ws = await createRuntimeWorkspace();
    const r = await millrace(['doctor', '-w', ws.root]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^ok: true\nerrors: 0\nwarnings: 1\nwarning: compiled_plan_missing /);
  });

  slow('detects each seeded problem, gives a remedy for each, exits 1 and changes nothing', async () => {
    const ws = await createRuntimeWorkspace();
    writeTask(ws.runtime, 't1');
    // `run once` compiles the plan and leaves t1 mid-flight (builder done, checker next) after it exits; marking the
    // snapshot as still running makes it what a daemon killed mid-stage leaves.
    expect((await millrace(['run', 'once', '-w', ws.root])).exitCode).toBe(0);
    const snapshotPath = join(ws.runtime, 'state', 'runtime_snapshot.json');
    writeFileSync(snapshotPath, JSON.stringify({ ...JSON.parse(readFileSync(snapshotPath, 'utf8')), process_running: true }));
    const lock = { workspace_root: ws.root, owner_pid: 2 ** 22 + 17, owner_hostname: hostname(), owner_session_id: 'e'.repeat(32), acquired_at: '2026-01-01T00:00:00Z' };
    writeFileSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'), `${JSON.stringify(lock)}\n`);
    writeFileSync(join(ws.runtime, 'tasks', 'queue', 'bad.md'), '---\ntask_id: bad\ntitle: Bad\n---\nmissing fields\n');
    writeTask(ws.runtime, 't2');
    copyFileSync(join(ws.runtime, 'tasks', 'queue', 't2.md'), join(ws.runtime, 'tasks', 'done', 't2.md'));
    rmSync(join(ws.runtime, 'skills', 'stage', 'planning', 'arbiter-core', 'SKILL.md'));
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, `${readFileSync(toml, 'utf8')}\n[recovery]\nmax_fix_cycles = 3\n`);
    const home = mkdtempSync(join(tmpdir(), 'millrace-doctor-'));
    const env = { MILLRACE_DATA_DIR: join(home, 'data'), MILLRACE_CACHE_DIR: join(home, 'cache'), MILLRACE_CONFIG_DIR: join(home, 'config') };
    expect((await runCli(['plugins', 'link', THROWING, '--no-install'], { env })).exitCode).toBe(0);
    const snapshotBefore = readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8');

    const json = await runCli(['doctor', '-w', ws.root, '--json'], { env });
    expect(json.exitCode).toBe(1);
    const report = (JSON.parse(json.stdout) as JsonSuccess<DoctorResult>).result;
    expect(report.ok).toBe(false);
    const found = report.findings.map((f) => `${f.severity}:${f.code}:${f.path ?? 'none'}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'error:runtime_ownership_lock_stale:millrace-agents/state/runtime_daemon.lock.json',
        'error:stale_active_state:millrace-agents/state/runtime_snapshot.json',
        'error:queue_artifact_invalid:millrace-agents/tasks/queue/bad.md',
        'error:work_item_in_two_places:millrace-agents/tasks/queue/t2.md',
        'error:missing_asset:millrace-agents/skills/stage/planning/arbiter-core/SKILL.md',
        'error:compiled_plan_stale:millrace-agents/state/compiled_plan.json',
        'error:plugin_contribution_failed:none',
      ]),
    );
    expect(report.findings.find((f) => f.code === 'stale_active_state')?.message).toBe('execution checker is active for task t1 but no runtime owns the workspace');
    expect(report.findings.find((f) => f.code === 'plugin_contribution_failed')?.message).toContain('millrace-plugin-throwing');
    for (const f of report.findings) expect(f.remedy).toMatch(/^\S.*\S$/);
    expect(report.errors).toBe(report.findings.filter((f) => f.severity === 'error').length);

    const text = await runCli(['doctor', '-w', ws.root], { env });
    expect(text.exitCode).toBe(1);
    expect(text.stdout.split('\n').slice(0, 3)).toEqual(['ok: false', `errors: ${report.errors}`, `warnings: ${report.warnings}`]);
    expect(text.stdout).toContain('error: runtime_ownership_lock_stale millrace-agents/state/runtime_daemon.lock.json workspace runtime ownership lock is stale');
    expect(text.stdout).toContain('  remedy: run `millrace clear-stale-state` to remove the dead owner\'s lock');
    // Read-only: the broken state is still there for the operator to repair.
    expect(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')).toBe(snapshotBefore);
    expect(readFileSync(join(ws.runtime, 'tasks', 'queue', 'bad.md'), 'utf8')).toContain('missing fields');
    rmSync(home, { recursive: true, force: true });
  });
});
