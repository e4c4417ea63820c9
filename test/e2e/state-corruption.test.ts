import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { DoctorResult } from '../../src/commands/doctor.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, writeTask } from '../support/runtime-workspace.js';

/**
 * Every state file x every corruption, through the real CLI: `status` and `run once` never hang and name the file when
 * they refuse; `doctor` reports the file and why; `doctor --fix` quarantines it (rename, bytes kept) and rebuilds an
 * idle state; afterwards `run once` works and every work document is still there, exactly once.
 */

type Corruption = 'truncated' | 'schema_invalid' | 'directory' | 'fifo' | 'symlink_out';
const CORRUPTIONS: Corruption[] = ['truncated', 'schema_invalid', 'directory', 'fifo', 'symlink_out'];

const STATE_FILES: Record<string, string> = {
  snapshot: 'state/runtime_snapshot.json',
  counters: 'state/recovery_counters.json',
  execution_status: 'state/execution_status.md',
  planning_status: 'state/planning_status.md',
  lock: 'state/runtime_daemon.lock.json',
  compiled_plan: 'state/compiled_plan.json',
  parse_cache: 'state/queue_parse_cache.json',
  agent_groups: 'state/agent_process_groups.json',
  events_log: 'logs/runtime_events.jsonl',
  usage_ledger: 'state/usage_ledger.jsonl',
};

/**
 * Corruptions the runtime heals by itself, by design: a truncated events log ends in a torn line (skipped, as after a
 * kill), and the parse cache is derived data that checks its own digest; any reader that scans the queue replaces a
 * bad one (file, FIFO or link: the rename replaces the entry itself), and only a directory needs `doctor --fix`.
 */
const SELF_HEALING = new Set(['events_log:truncated', 'usage_ledger:truncated', 'parse_cache:truncated', 'parse_cache:schema_invalid', 'parse_cache:fifo', 'parse_cache:symlink_out']);

const DOCUMENTS = ['T-1', 'T-2'];
const where = (runtime: string, id: string) => ['queue', 'active', 'done', 'blocked'].filter((s) => mdIn(join(runtime, 'tasks', s)).includes(`${id}.md`));

function corrupt(runtime: string, rel: string, how: Corruption, outside: string): void {
  const path = join(runtime, rel);
  const original = existsSync(path) ? readFileSync(path, 'utf8') : '{"valid": "json"}\n';
  rmSync(path, { recursive: true, force: true });
  if (how === 'truncated') writeFileSync(path, rel.endsWith('.md') ? original.slice(0, 2) : original.slice(0, Math.max(1, Math.floor(original.length / 2))));
  if (how === 'schema_invalid') writeFileSync(path, rel.endsWith('.md') ? '### IDLE\n### RUNNING\nnot a marker\n' : rel.endsWith('.jsonl') ? '{"kind": "not an event"}\n{"kind": "runtime_event"}\n' : '{"schema_version": 7, "surprise": true}\n');
  if (how === 'directory') mkdirSync(join(path, 'inside'), { recursive: true });
  if (how === 'fifo') execFileSync('mkfifo', [path]);
  if (how === 'symlink_out') {
    const target = join(outside, rel.replace(/\//g, '_'));
    writeFileSync(target, original);
    symlinkSync(target, path);
  }
}

let base: { root: string; runtime: string };
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'millrace-corrupt-'));
  const ws = await createRuntimeWorkspace({ root: join(scratch, 'base') });
  for (const id of DOCUMENTS) writeTask(ws.runtime, id);
  // T-1 ends mid-flight (builder done, checker next) with an active run; T-2 waits in the queue. The lock is written
  // as a dead owner's, so every state file exists.
  expect((await millrace(['run', 'once', '-w', ws.root])).exitCode).toBe(0);
  // `status` writes the queue parse cache.
  expect((await millrace(['status', '-w', ws.root])).exitCode).toBe(0);
  const lock = { workspace_root: ws.root, owner_pid: 2 ** 22 + 17, owner_hostname: hostname(), owner_session_id: 'e'.repeat(32), acquired_at: '2026-01-01T00:00:00Z' };
  writeFileSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json'), `${JSON.stringify(lock)}\n`);
  // The runtime removes the agent groups file once no group is left; a valid empty one is what each case corrupts.
  writeFileSync(join(ws.runtime, STATE_FILES.agent_groups!), `${JSON.stringify({ schema_version: '1.0', kind: 'agent_process_groups', groups: [] })}\n`);
  expect(Object.values(STATE_FILES).filter((rel) => !existsSync(join(ws.runtime, rel)))).toEqual([]);
  base = ws;
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the base workspace whose lock still names a dead owner of this copy. */
function copyBase(name: string): { root: string; runtime: string } {
  const root = join(scratch, name);
  cpSync(base.root, root, { recursive: true });
  const runtime = join(root, 'millrace-agents');
  const lockPath = join(runtime, 'state', 'runtime_daemon.lock.json');
  writeFileSync(lockPath, readFileSync(lockPath, 'utf8').replace(JSON.stringify(base.root), JSON.stringify(root)));
  return { root, runtime };
}

const errorLinesOf = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error'));

describe('corrupt or hostile state files', () => {
  // One workspace per corruption with every state file corrupted that way: each file is named by doctor, and one
  // `doctor --fix` repairs them all. (One workspace per file and corruption is the same code path, 8x slower.)
  it.each(CORRUPTIONS)('every state file %s: status and run once refuse naming a file, doctor names each, doctor --fix repairs', async (how) => {
    const { root, runtime } = copyBase(`all-${how}`);
    const outside = mkdtempSync(join(tmpdir(), 'millrace-outside-'));
    for (const rel of Object.values(STATE_FILES)) corrupt(runtime, rel, how, outside);
    const named = (line: string) => Object.values(STATE_FILES).some((rel) => line.includes(`millrace-agents/${rel}`));
    const mustReport = Object.entries(STATE_FILES).filter(([name]) => !SELF_HEALING.has(`${name}:${how}`)).map(([, rel]) => `millrace-agents/${rel}`);

    for (const args of [['status'], ['run', 'once']]) {
      const refused = await millrace([...args, '-w', root]);
      expect(refused.exitCode).not.toBe(0);
      const lines = errorLinesOf(refused.stderr);
      expect(lines).toHaveLength(1);
      expect(named(lines[0]!)).toBe(true);
      expect(refused.stderr).not.toContain('INTERNAL');
    }

    const doctor = await millrace(['doctor', '--json', '-w', root]);
    expect(doctor.exitCode).toBe(1);
    const report = (JSON.parse(doctor.stdout) as JsonSuccess<DoctorResult>).result;
    for (const file of mustReport) {
      const about = report.findings.filter((f) => f.path === file && f.severity === 'error');
      expect({ file, found: about.length > 0 }).toEqual({ file, found: true });
      // Status files may also carry doctor's marker check (remedy: clear-stale-state, which rewrites them too).
      expect(about.some((f) => f.remedy.includes('millrace doctor --fix'))).toBe(true);
    }

    const fix = await millrace(['doctor', '--fix', '--json', '-w', root]);
    const fixed = (JSON.parse(fix.stdout) as JsonSuccess<DoctorResult>).result;
    expect(fixed.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(fix.exitCode).toBe(0);
    for (const file of mustReport) {
      const moved = fixed.repair!.quarantined.find((q) => q.file === file);
      expect(moved?.moved_to).toMatch(/^millrace-agents\/state\/quarantine\/\d{8}T\d{6}Z-/);
      // Quarantine is a rename: the very same file (a FIFO stays a FIFO, a link stays a link).
      const kept = lstatSync(join(root, moved!.moved_to));
      if (how === 'fifo') expect(kept.isFIFO()).toBe(true);
      if (how === 'directory') expect(kept.isDirectory()).toBe(true);
      if (how === 'symlink_out') expect(kept.isSymbolicLink()).toBe(true);
    }
    for (const id of DOCUMENTS) expect(where(runtime, id)).toEqual(['queue']);

    const run = await millrace(['run', 'once', '-w', root]);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    for (const id of DOCUMENTS) expect(where(runtime, id)).toHaveLength(1);
    rmSync(outside, { recursive: true, force: true });
  }, 600_000);

  // Each file alone, in each way: with the others intact, a reader that skipped this file would go unnoticed above.
  // `doctor` names it (unless it heals itself), and `run once` never hangs: it either refuses with one line naming
  // this very file or runs normally, and no document is lost or duplicated.
  const EACH_ALONE = Object.entries(STATE_FILES).flatMap(([name, rel]) => CORRUPTIONS.map((how) => [name, how, rel] as const));
  it.each(EACH_ALONE)('%s alone %s: doctor names it, run once never hangs and names it when it refuses', async (name, how, rel) => {
    const { root, runtime } = copyBase(`alone-${name}-${how}`);
    const outside = mkdtempSync(join(tmpdir(), 'millrace-outside-'));
    corrupt(runtime, rel, how, outside);
    if (!SELF_HEALING.has(`${name}:${how}`)) {
      const doctor = await millrace(['doctor', '--json', '-w', root]);
      expect(doctor.exitCode).toBe(1);
      const report = (JSON.parse(doctor.stdout) as JsonSuccess<DoctorResult>).result;
      const about = report.findings.filter((f) => f.path === `millrace-agents/${rel}` && f.severity === 'error');
      expect({ rel, named: about.some((f) => f.remedy.includes('millrace doctor --fix')) }).toEqual({ rel, named: true });
    }
    const run = await millrace(['run', 'once', '-w', root], { timeout: 120_000 });
    if (run.exitCode !== 0) {
      const lines = errorLinesOf(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`millrace-agents/${rel}`);
    }
    for (const id of DOCUMENTS) expect(where(runtime, id)).toHaveLength(1);
    rmSync(outside, { recursive: true, force: true });
  }, 300_000);

  it('an unreadable state file (no read permission) is named by status and doctor, and doctor --fix repairs it', async () => {
    const root = join(scratch, 'unreadable');
    cpSync(base.root, root, { recursive: true });
    const runtime = join(root, 'millrace-agents');
    rmSync(join(runtime, 'state', 'runtime_daemon.lock.json'));
    const snapshot = join(runtime, 'state', 'runtime_snapshot.json');
    // Root reads any file: run as `nobody` in a workspace it may write, with the snapshot closed to it.
    execFileSync('chmod', ['-R', 'a+rwX', scratch]);
    chmodSync(snapshot, 0o000);
    const asNobody = (args: string[]) => execa('node', [BIN, ...args], { reject: false, uid: 65534, gid: 65534, env: { CI: '1', HOME: scratch }, timeout: 60_000 });
    const status = await asNobody(['status', '-w', root]);
    expect(status.exitCode).toBe(4);
    expect(status.stderr).toContain('millrace-agents/state/runtime_snapshot.json: cannot be read: permission denied (EACCES)');
    const doctor = await asNobody(['doctor', '-w', root]);
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toContain('error: state_file_invalid millrace-agents/state/runtime_snapshot.json cannot be read: permission denied (EACCES)');
    const fix = await asNobody(['doctor', '--fix', '-w', root]);
    expect(fix.stdout).toMatch(/quarantined: millrace-agents\/state\/runtime_snapshot.json -> millrace-agents\/state\/quarantine\/\S+-runtime_snapshot.json/);
    expect(fix.exitCode).toBe(0);
    const run = await millrace(['run', 'once', '-w', root]);
    expect(run.exitCode).toBe(0);
    for (const id of DOCUMENTS) expect(where(runtime, id)).toHaveLength(1);
    expect(readdirSync(join(runtime, 'state', 'quarantine'))).toHaveLength(1);
  }, 300_000);

  it('queue folders, logs and runs that are links leading out of the workspace are refused by the runtime and reported by doctor', async () => {
    const root = join(scratch, 'escaping');
    cpSync(base.root, root, { recursive: true });
    const runtime = join(root, 'millrace-agents');
    rmSync(join(runtime, 'state', 'runtime_daemon.lock.json'));
    const outside = mkdtempSync(join(tmpdir(), 'millrace-outside-'));
    for (const dir of ['tasks/done', 'runs', 'logs']) {
      cpSync(join(runtime, dir), join(outside, dir.replace('/', '_')), { recursive: true });
      rmSync(join(runtime, dir), { recursive: true });
      symlinkSync(join(outside, dir.replace('/', '_')), join(runtime, dir));
    }
    const doctor = await millrace(['doctor', '--json', '-w', root]);
    expect(doctor.exitCode).toBe(1);
    const report = (JSON.parse(doctor.stdout) as JsonSuccess<DoctorResult>).result;
    const escaping = report.findings.filter((f) => f.code === 'folder_outside_workspace').map((f) => f.path).sort();
    expect(escaping).toEqual(['millrace-agents/logs', 'millrace-agents/runs', 'millrace-agents/tasks/done']);
    const run = await millrace(['run', 'once', '-w', root]);
    expect(run.exitCode).toBe(4);
    expect(run.stderr).toMatch(/^Error \(WORKSPACE_STATE_INVALID\): millrace-agents\/\S+: is a symbolic link leading outside the workspace/);
    expect(existsSync(join(runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
    rmSync(outside, { recursive: true, force: true });
  }, 300_000);
});
