import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { FAKE_CLAUDE } from '../support/claude-stage.js';

// claude_code reports every output line as activity, so the host's stall detection covers it: a claude that prints
// its init line and then nothing is ended as runner_stalled (the stand-in binary, test/fixtures/fake-claude.mjs).
const CLI = join(fileURLToPath(new URL('../../../../', import.meta.url)), 'bin', 'run.js');

const TASK = `---
task_id: task-stall-1
title: Never finishes
summary: The agent goes silent.
target_paths: [x.txt]
acceptance: [x.txt exists]
required_checks: [test -f x.txt]
references: [none]
risk: [none]
---
Go silent.
`;

describe('host stall detection for claude_code', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'millrace-claude-stall-'));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  it('ends a silent claude as runner_stalled after runners.claude.stall_timeout_seconds', async () => {
    const repo = join(root, 'repo');
    const runtimeRoot = join(repo, 'millrace-agents');
    await mkdir(repo);
    const cli = (...args: string[]) => execa(process.execPath, [CLI, ...args, '--workspace', repo, '--json'], { reject: false, stdin: 'ignore' });
    expect((await cli('init')).exitCode).toBe(0);
    await writeFile(join(runtimeRoot, 'millrace.toml'), [
      '[runtime]',
      'default_mode = "default_claude"',
      'idle_sleep_seconds = 0.1',
      '',
      '[runners.claude]',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(FAKE_CLAUDE)}]`,
      'stall_timeout_seconds = 2',
      'env = { FAKE_CLAUDE_BEHAVIOUR = "silent" }',
      '',
    ].join('\n'));
    await writeFile(join(root, 'task.md'), TASK);
    expect((await cli('queue', 'add-task', join(root, 'task.md'))).exitCode).toBe(0);

    const started = Date.now();
    const daemon = await cli('run', 'daemon', '--mode', 'default_claude', '--max-ticks', '1');
    expect({ exitCode: daemon.exitCode, stderr: daemon.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(Date.now() - started).toBeLessThan(60_000);
    const runs = await readdir(join(runtimeRoot, 'runs'));
    const dir = runs.map((r) => join(runtimeRoot, 'runs', r, 'stage_results')).find((d) => existsSync(d)) ?? '';
    const [file] = await readdir(dir);
    const builder = JSON.parse(await readFile(join(dir, file ?? ''), 'utf8')) as { stage: string; metadata: { failure_class: string }; notes: string[] };
    expect(builder).toMatchObject({ stage: 'builder', metadata: { failure_class: 'runner_stalled' } });
    expect(builder.notes.join('\n')).toMatch(/no runner activity since .* \(stall_timeout_seconds=2\)/);
  }, 120_000);
});
