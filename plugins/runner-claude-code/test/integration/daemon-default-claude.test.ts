import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { legalMarkersInPrompt, stageInPrompt, startFakeAnthropicServer, type FakeAnthropicServer } from '@millrace/plugin-api/testing';
import { CLAUDE_BIN, offlineClaudeEnv, startTrapProxy } from '../support/claude-stage.js';

// A whole task through `millrace run daemon --mode default_claude`: the real claude binary runs every stage against
// the fake Anthropic endpoint, which has each stage run one Bash tool call that writes a file named after the stage,
// then answer with the first legal marker its prompt announces. Needs the built CLI (`npm run build`).
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'run.js');

const TASK = `---
task_id: task-claude-1
title: Create the built marker file
summary: The builder writes builder.txt in the repository root.
target_paths: [builder.txt]
acceptance: [builder.txt exists]
required_checks: [test -f builder.txt]
references: [none]
risk: [none]
---
Write builder.txt.
`;

type StageResultFile = { stage: string; terminal_result: string; result_class: string; runner_name: string; token_usage: unknown };

async function readStageResults(runtimeRoot: string): Promise<StageResultFile[]> {
  const results: StageResultFile[] = [];
  for (const run of await readdir(join(runtimeRoot, 'runs'))) {
    const dir = join(runtimeRoot, 'runs', run, 'stage_results');
    if (!existsSync(dir)) continue;
    for (const file of await readdir(dir)) results.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as StageResultFile);
  }
  return results;
}

describe('millrace run daemon --mode default_claude with the real claude binary', () => {
  let root: string;
  let server: FakeAnthropicServer;
  let proxy: Awaited<ReturnType<typeof startTrapProxy>>;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'millrace-claude-e2e-'));
    server = await startFakeAnthropicServer({
      script: (request) => {
        const marker = legalMarkersInPrompt(request.userText)[0] ?? '### BLOCKED';
        const stage = stageInPrompt(request.userText) ?? 'unknown';
        return { steps: [{ shell: `echo ${stage}-by-claude > ${stage}.txt` }, { text: `${stage} done.\n${marker}` }] };
      },
    });
    proxy = await startTrapProxy();
  });
  afterEach(async () => {
    await Promise.all([server.close(), proxy.close()]);
    await rm(root, { recursive: true, force: true });
  });

  it('takes a task from builder through checker and updater to done, each stage running a real tool call', async () => {
    const repo = join(root, 'repo');
    const runtimeRoot = join(repo, 'millrace-agents');
    await mkdir(repo);
    const cli = (...args: string[]) => execa(process.execPath, [CLI, ...args, '--workspace', repo, '--json'], { reject: false, stdin: 'ignore' });
    expect((await cli('init')).exitCode).toBe(0);
    const env = Object.entries(offlineClaudeEnv(server, proxy.url)).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ');
    await writeFile(join(runtimeRoot, 'millrace.toml'), [
      '[runtime]',
      'default_mode = "default_claude"',
      'idle_sleep_seconds = 0.1',
      '',
      '[runners.claude]',
      `command = ${JSON.stringify(CLAUDE_BIN)}`,
      'model = "fake-model"',
      `home = ${JSON.stringify(join(root, 'claude-home'))}`,
      'permission_default = "basic"',
      `env = { ${env} }`,
      '',
    ].join('\n'));
    await writeFile(join(root, 'task.md'), TASK);
    const added = await cli('queue', 'add-task', join(root, 'task.md'));
    expect({ exitCode: added.exitCode, stderr: added.stderr }).toEqual({ exitCode: 0, stderr: '' });

    const daemon = await cli('run', 'daemon', '--mode', 'default_claude', '--max-ticks', '3');
    expect({ exitCode: daemon.exitCode, stderr: daemon.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(JSON.parse(daemon.stdout)).toMatchObject({ status: 0, result: { active_mode_id: 'default_claude', stages_run: 3 } });

    // every stage's tool call really ran in the repository
    for (const stage of ['builder', 'checker', 'updater']) expect(await readFile(join(repo, `${stage}.txt`), 'utf8')).toBe(`${stage}-by-claude\n`);
    expect(await readdir(join(runtimeRoot, 'tasks', 'done'))).toContain('task-claude-1.md');
    const results = await readStageResults(runtimeRoot);
    expect(results.map((r) => [r.stage, r.terminal_result, r.result_class, r.runner_name]).sort()).toEqual([
      ['builder', 'BUILDER_COMPLETE', 'success', 'claude_code'],
      ['checker', 'CHECKER_PASS', 'success', 'claude_code'],
      ['updater', 'UPDATE_COMPLETE', 'success', 'claude_code'],
    ]);
    expect(server.requests.filter((r) => r.kind === 'messages').map((r) => stageInPrompt(r.userText))).toEqual(['builder', 'builder', 'checker', 'checker', 'updater', 'updater']);
    expect(proxy.attempts).toEqual([]);

    // run inspection shows the usage: 6 model requests x (100 uncached + 10 cache read + 5 cache write in, 20 out)
    const runIds = await readdir(join(runtimeRoot, 'runs'));
    const shown = await cli('runs', 'show', runIds.find((id) => existsSync(join(runtimeRoot, 'runs', id, 'stage_results'))) ?? '');
    expect(shown.exitCode).toBe(0);
    const inspection = JSON.parse(shown.stdout) as { result: { token_usage: unknown; cost_usd: number; stage_results: Array<{ cost_usd: number }> } };
    expect(inspection.result.token_usage).toEqual({ input_tokens: 690, cached_input_tokens: 60, cache_write_input_tokens: 30, output_tokens: 120, thinking_tokens: 0, total_tokens: 810 });
    // claude prices each stage itself; the run's cost is their sum
    const stageCosts = inspection.result.stage_results.map((s) => s.cost_usd);
    expect(stageCosts.every((c) => c > 0)).toBe(true);
    expect(inspection.result.cost_usd).toBeCloseTo(stageCosts.reduce((a, c) => a + c, 0), 10);
    const text = await execa(process.execPath, [CLI, 'runs', 'show', runIds.find((id) => existsSync(join(runtimeRoot, 'runs', id, 'stage_results'))) ?? '', '--workspace', repo], { reject: false });
    expect(text.stdout).toContain('total_tokens: 810');
    expect(text.stdout).toMatch(/^cost_usd: 0\.\d+$/m);
  }, 180_000);
});
