import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@millrace/plugin-api';
import { appendLine } from '../../src/workspace/state/append-line.js';
import { createRuntimeWorkspace, mdIn, millrace, writeTask } from '../support/runtime-workspace.js';
import { fillDisk, mountTmpfs } from '../support/tmpfs.js';

/** Every file below `dir` (relative), including dot files. */
function allFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

const tempFiles = (dir: string) => allFiles(dir).filter((f) => f.endsWith('.tmp'));
const errorLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('Error'));

/** Where the task document is, across the four task folders (exactly one expected). */
const taskCopies = (runtime: string, id: string) => ['queue', 'active', 'done', 'blocked'].filter((s) => mdIn(join(runtime, 'tasks', s)).includes(`${id}.md`));

describe('a full disk (a real tmpfs)', () => {
  let fs: ReturnType<typeof mountTmpfs>;
  beforeAll(() => {
    fs = mountTmpfs(4 * 1024 * 1024);
  });
  afterAll(() => fs.unmount());

  test('the atomic writer names its target, leaves the old content and removes its temp file when the write itself fails', async () => {
    const dir = join(fs.dir, 'writer');
    await writeFileAtomic(join(dir, 'state.json'), 'old\n');
    const filler = join(fs.dir, 'filler');
    fillDisk(filler);
    try {
      await expect(writeFileAtomic(join(dir, 'state.json'), 'x'.repeat(100_000))).rejects.toThrow(`${join(dir, 'state.json')}: no space left on device (ENOSPC)`);
      expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe('old\n');
      expect(readdirSync(dir)).toEqual(['state.json']);
      // An append that does not fit is cut back: the log never keeps a torn line.
      const log = join(dir, 'events.jsonl');
      rmSync(filler);
      writeFileSync(log, '{"a":1}\n');
      fillDisk(filler);
      const before = statSync(log).size;
      expect(() => appendLine(log, `{"b":"${'y'.repeat(100_000)}"}`)).toThrow(`${log}: no space left on device (ENOSPC)`);
      expect(statSync(log).size).toBe(before);
    } finally {
      rmSync(filler, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('run once on a full disk: one line naming the file, the task stays queued, no lock, no temp file; it runs once space is back', async () => {
    const root = join(fs.dir, 'ws-full');
    const { runtime } = await createRuntimeWorkspace({ root });
    writeTask(runtime, 'T-1');
    expect((await millrace(['compile', 'validate', '-w', root])).exitCode).toBe(0);
    const filler = join(fs.dir, 'filler');
    fillDisk(filler);
    try {
      const run = await millrace(['run', 'once', '-w', root]);
      expect(run.exitCode).toBe(1);
      const lines = errorLines(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error \(NO_SPACE\): \/.*millrace-agents\/state\/\S+: no space left on device$/);
      expect(run.stderr).not.toContain('INTERNAL');
      expect(taskCopies(runtime, 'T-1')).toEqual(['queue']);
      expect(existsSync(join(runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
      expect(tempFiles(root)).toEqual([]);
    } finally {
      rmSync(filler, { force: true });
    }
    const again = await millrace(['run', 'once', '-w', root]);
    expect(again.exitCode).toBe(0);
    expect(taskCopies(runtime, 'T-1')).toEqual(['active']);
    rmSync(root, { recursive: true, force: true });
  });

  test('an agent that fills the disk mid-stage: the runtime stops with one line naming the file, releases the lock, leaves no temp file and loses nothing', async () => {
    const root = join(fs.dir, 'ws-agent');
    const filler = join(fs.dir, 'agent-filler');
    const { runtime } = await createRuntimeWorkspace({ root });
    writeTask(runtime, 'T-2');
    // The agent fills the disk only when this flag file exists (its env is fixed in the config).
    const toml = readFileSync(join(runtime, 'millrace.toml'), 'utf8').replace('env = { ', `env = { FAKE_AGENT_FILL_DISK = ${JSON.stringify(filler)}, `);
    writeFileSync(join(runtime, 'millrace.toml'), toml);
    try {
      const run = await millrace(['run', 'daemon', '--max-ticks', '3', '-w', root]);
      expect(run.exitCode).toBe(1);
      const lines = errorLines(run.stderr);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Error \(NO_SPACE\): \/\S+: no space left on device$/);
      expect(run.stderr).not.toContain('INTERNAL');
      expect(existsSync(join(runtime, 'state', 'runtime_daemon.lock.json'))).toBe(false);
      expect(tempFiles(root)).toEqual([]);
      expect(taskCopies(runtime, 'T-2')).toEqual(['active']);
    } finally {
      rmSync(filler, { force: true });
    }
    // Space is back and the agent no longer fills it: the next start recovers the interrupted stage and goes on.
    writeFileSync(join(runtime, 'millrace.toml'), toml.replace(`FAKE_AGENT_FILL_DISK = ${JSON.stringify(filler)}, `, ''));
    const again = await millrace(['run', 'daemon', '--max-ticks', '6', '-w', root]);
    expect(again.exitCode).toBe(0);
    expect(taskCopies(runtime, 'T-2')).toHaveLength(1);
    expect(tempFiles(root)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  test('startup sweeps temp files of dead writers in state/, runs/, logs/ and queue folders, keeping other files', async () => {
    const root = join(fs.dir, 'ws-sweep');
    const { runtime } = await createRuntimeWorkspace({ root });
    const deadPid = 2 ** 22 + 17; // above pid_max's default range: never a live process
    const leftovers = [
      join(runtime, 'state', `.runtime_snapshot.json.${deadPid}-3.tmp`),
      join(runtime, 'logs', `.notes.txt.${deadPid}-1.tmp`),
      join(runtime, 'tasks', 'queue', `.T-9.md.${deadPid}-2.tmp`),
    ];
    rmSync(join(runtime, 'runs'), { recursive: true, force: true });
    const runDir = join(runtime, 'runs', 'run-old', 'stage_results');
    leftovers.push(join(runDir, `.request-1.json.${deadPid}-4.tmp`));
    const keep = [join(runtime, 'state', 'operator-notes.tmp'), join(runtime, 'state', `.live.json.${process.pid}-1.tmp`)];
    for (const file of [...leftovers, ...keep]) {
      rmSync(file, { force: true });
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, 'x');
    }
    const run = await millrace(['run', 'once', '-w', root]);
    expect(run.exitCode).toBe(0);
    for (const file of leftovers) expect(existsSync(file)).toBe(false);
    for (const file of keep) expect(existsSync(file)).toBe(true);
    rmSync(root, { recursive: true, force: true });
  });
});
