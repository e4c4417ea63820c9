import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, writeTask } from '../support/runtime-workspace.js';
import { until } from '../support/wait.js';

const slow = (name: string, fn: () => Promise<void>) => it(name, fn, 180_000);

/** 9 levels of 9 aliases: about 400 bytes that js-yaml turns into 9^9 (387 million) leaves when walked. */
const BILLION_LAUGHS = [
  '---',
  'task_id: lol',
  'title: Laughs',
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
  'tags: *i',
  '---',
  '',
].join('\n');

const failureOf = (stdout: string) => (JSON.parse(stdout) as JsonFailure).error;

describe('parse limits through the CLI', () => {
  slow('queue add-task refuses a billion-laughs document, an oversized one, a __proto__ mapping and a 129-character id; nothing is written', async () => {
    const ws = await createRuntimeWorkspace();
    const file = (name: string, text: string) => {
      const path = join(ws.root, name);
      writeFileSync(path, text);
      return path;
    };
    const valid = ['title: T', 'created_at: 2026-01-01T00:00:00Z', 'created_by: me', 'target_paths: [a]', 'acceptance: [a]', 'required_checks: [a]', 'references: [a]', 'risk: [a]'];
    const cases: Array<[string, string, RegExp]> = [
      ['lol.md', BILLION_LAUGHS, /^Error \(DOCUMENT_INVALID\): .*lol\.md: c\.\d+\.\d+\.\d+: expands beyond the document size \(YAML aliases\?\)$/],
      ['big.md', `---\ntask_id: big\n${valid.join('\n')}\n---\n${'x'.repeat(1024 * 1024)}\n`, /^Error \(DOCUMENT_INVALID\): .*big\.md: \(file\): larger than the 1 MiB limit for a work document$/],
      // js-yaml turns a `__proto__` mapping into the prototype: before, its fields silently filled the required ones.
      ['proto.md', `---\ntask_id: proto\n__proto__:\n  ${valid.join('\n  ')}\n---\n`, /^Error \(DOCUMENT_INVALID\): .*proto\.md: __proto__: key is not allowed \(it would reach the prototype\)$/],
      ['long.md', `---\ntask_id: ${'a'.repeat(129)}\n${valid.join('\n')}\n---\n`, /^Error \(DOCUMENT_INVALID\): .*long\.md: task_id: must be at most 128 characters$/],
    ];
    for (const [name, text, expected] of cases) {
      const r = await millrace(['queue', 'add-task', file(name, text), '-w', ws.root]);
      expect({ name, exit: r.exitCode, line: r.stderr.split('\n')[0] }).toEqual({ name, exit: 1, line: expect.stringMatching(expected) });
    }
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual([]);
  });

  slow('queue show --json of a huge or alias-bomb document in a queue folder is DOCUMENT_INVALID naming the file, never INTERNAL', async () => {
    const ws = await createRuntimeWorkspace();
    writeFileSync(join(ws.runtime, 'tasks', 'queue', 'huge.md'), `---\ntask_id: huge\n---\n${'y'.repeat(64 * 1024 * 1024)}\n`);
    writeFileSync(join(ws.runtime, 'tasks', 'queue', 'lol.md'), BILLION_LAUGHS);
    const huge = await millrace(['queue', 'show', 'huge', '-w', ws.root, '--json']);
    expect(huge.exitCode).toBe(1);
    expect(failureOf(huge.stdout)).toMatchObject({ code: 'DOCUMENT_INVALID', file: 'tasks/queue/huge.md', field: '(file)', message: 'tasks/queue/huge.md: (file): larger than the 1 MiB limit for a work document' });
    const lol = await millrace(['queue', 'show', 'lol', '-w', ws.root, '--json']);
    expect(failureOf(lol.stdout)).toMatchObject({ code: 'DOCUMENT_INVALID', file: 'tasks/queue/lol.md' });
    const listing = await millrace(['queue', 'ls', '-w', ws.root, '--json']);
    expect(listing.exitCode).toBe(0);
    const invalid = (JSON.parse(listing.stdout) as JsonSuccess<{ invalid: Array<{ path: string; problems: string[] }> }>).result.invalid;
    expect(invalid.map((f) => f.path).sort()).toEqual(['tasks/queue/huge.md', 'tasks/queue/lol.md']);
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual(['huge.md', 'lol.md']);
  });
});

describe('a live daemon and a billion-laughs document', () => {
  let daemon: ResultPromise | null = null;
  afterEach(async () => {
    if (daemon && daemon.exitCode === null) {
      daemon.kill('SIGKILL');
      await daemon;
    }
    daemon = null;
  });

  slow('keeps running, reports the file as invalid and never deletes it', async () => {
    const ws = await createRuntimeWorkspace();
    daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--json'], { reject: false, env: { CI: '1' } });
    await until('daemon lock', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')));
    const bomb = join(ws.runtime, 'tasks', 'queue', 'lol.md');
    writeFileSync(bomb, BILLION_LAUGHS);
    // The daemon scans the bomb on its next ticks; a valid task added after it is still run to done.
    writeTask(ws.runtime, 't1');
    await until('t1 done', () => mdIn(join(ws.runtime, 'tasks', 'done')).includes('t1.md'));
    expect(daemon.exitCode).toBeNull();
    const status = await millrace(['status', '-w', ws.root, '--json']);
    const result = (JSON.parse(status.stdout) as JsonSuccess<{ process_running: boolean; invalid_documents: Array<{ path: string; problems: string[] }> }>).result;
    expect(result.process_running).toBe(true);
    expect(result.invalid_documents).toEqual([{ kind: 'task', state: 'queue', path: expect.stringContaining('tasks/queue/lol.md'), problems: [expect.stringMatching(/lol\.md: c\.\d+\.\d+\.\d+: expands beyond the document size/)] }]);
    expect(readFileSync(bomb, 'utf8')).toBe(BILLION_LAUGHS);
    await millrace(['stop', '-w', ws.root]);
    const done = await daemon;
    expect(done.exitCode).toBe(0);
    expect(readFileSync(bomb, 'utf8')).toBe(BILLION_LAUGHS);
    expect(readEvents(ws.runtime).some((e) => e.event_type === 'runtime_tick_failed')).toBe(false);
  });

  slow('refuses a live reload-config of a config with a prototype key or an unbounded timer, keeping its previous plan', async () => {
    const ws = await createRuntimeWorkspace();
    daemon = execa('node', [BIN, 'run', 'daemon', '-w', ws.root, '--json'], { reject: false, env: { CI: '1' } });
    await until('daemon lock', () => existsSync(join(ws.runtime, 'state', 'runtime_daemon.lock.json')));
    const snapshot = () => JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')) as { compiled_plan_id: string | null; last_reload_outcome: string | null; last_reload_error: string | null };
    const planBefore = await until('compiled plan', () => (snapshot().compiled_plan_id?.startsWith('plan-') ? snapshot().compiled_plan_id : undefined));
    const toml = join(ws.runtime, 'millrace.toml');
    const good = readFileSync(toml, 'utf8');
    const failures = () => readEvents(ws.runtime).filter((e) => e.event_type === 'runtime_config_reload_failed').length;
    const bad: Array<[string, RegExp]> = [
      ['\n[watchers]\ndebounce_ms = 2147483648\n', /watchers\.debounce_ms: must be at most 2147483647 ms/],
      ['\n[__proto__]\ndefault_mode = "default_codex"\n', /millrace\.toml: __proto__: key is not allowed/],
    ];
    for (const [index, [extra, reason]] of bad.entries()) {
      writeFileSync(toml, good + extra);
      const r = await millrace(['reload-config', '-w', ws.root]);
      expect(r.exitCode).toBe(0);
      await until(`reload failure ${index + 1}`, () => failures() === index + 1);
      expect(snapshot()).toMatchObject({ compiled_plan_id: planBefore, last_reload_outcome: 'failed_retained_previous_plan', last_reload_error: expect.stringMatching(reason) });
      expect(daemon.exitCode).toBeNull();
    }
    writeFileSync(toml, good);
    writeTask(ws.runtime, 't1');
    await until('t1 done', () => mdIn(join(ws.runtime, 'tasks', 'done')).includes('t1.md'));
    await millrace(['stop', '-w', ws.root]);
    expect((await daemon).exitCode).toBe(0);
  });
});
