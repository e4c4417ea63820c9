import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { TokenUsageSchema } from '@millrace/plugin-api';
import { legalMarkersInPrompt, stageInPrompt, startFakeModelServer, writeCodexHome, type FakeModelServer } from '@millrace/plugin-api/testing';
import { CODEX_BIN } from '../support/codex-stage.js';

// A whole task through `millrace run daemon --mode default_codex`: the real codex binary runs every stage against the
// fake model, which answers each stage with the first legal marker its prompt announces (the builder first runs one
// shell tool call that writes a file in the workspace). The packaged entrypoints deployed by `init` are used as they
// are. Needs the built CLI (`npm run build`, done by `npm test`).
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CLI = join(REPO_ROOT, 'bin', 'run.js');

const TASK = `---
task_id: task-e2e-1
title: Create the built marker file
summary: The builder writes built.txt in the repository root.
target_paths: [built.txt]
acceptance: [built.txt exists]
required_checks: [test -f built.txt]
references: [none]
risk: [none]
---
Write built.txt.
`;

type StageResultFile = { stage: string; terminal_result: string; result_class: string; token_usage: unknown; runner_name: string };

async function readStageResults(runtimeRoot: string): Promise<StageResultFile[]> {
  const results: StageResultFile[] = [];
  const runsDir = join(runtimeRoot, 'runs');
  for (const run of await readdir(runsDir)) {
    const dir = join(runsDir, run, 'stage_results');
    if (!existsSync(dir)) continue;
    for (const file of await readdir(dir)) results.push(JSON.parse(await readFile(join(dir, file), 'utf8')) as StageResultFile);
  }
  return results;
}

describe('millrace run daemon --mode default_codex with the real codex binary', () => {
  let root: string;
  let server: FakeModelServer;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'millrace-codex-e2e-'));
    server = await startFakeModelServer({
      script: (request) => {
        const marker = legalMarkersInPrompt(request.userText)[0] ?? '### BLOCKED';
        const stage = stageInPrompt(request.userText) ?? 'unknown';
        if (stage === 'builder') return { steps: [{ shell: 'echo built-by-codex > built.txt' }, { text: `Built it.\n${marker}` }] };
        return { steps: [{ text: `${stage} done.\n${marker}` }] };
      },
    });
  });
  afterEach(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('takes a task from builder through checker and updater to done', async () => {
    const repo = join(root, 'repo');
    const runtimeRoot = join(repo, 'millrace-agents');
    await mkdir(repo);
    const home = await writeCodexHome(join(root, 'codex-home'), { baseUrl: server.baseUrl });
    const cli = (...args: string[]) => execa(process.execPath, [CLI, ...args, '--workspace', repo, '--json'], { reject: false, stdin: 'ignore' });

    expect((await cli('init')).exitCode).toBe(0);
    // runners.codex from the workspace config reaches the adapter: binary, permission level and env (CODEX_HOME + key).
    await writeFile(join(runtimeRoot, 'millrace.toml'), [
      '[runtime]',
      'default_mode = "default_codex"',
      'idle_sleep_seconds = 0.1',
      '',
      '[runners.codex]',
      `command = ${JSON.stringify(CODEX_BIN)}`,
      'permission_default = "basic"',
      `env = { CODEX_HOME = ${JSON.stringify(home.codexHome)}, FAKE_API_KEY = "fake-key" }`,
      '',
      '[stages.builder]',
      'model = "fake-model"',
      '',
      '[usage_prices."fake-model"]',
      'input_usd_per_mtok = 2.0',
      'cached_input_usd_per_mtok = 0.5',
      'output_usd_per_mtok = 10.0',
      '',
    ].join('\n'));
    await writeFile(join(root, 'task.md'), TASK);
    const added = await cli('queue', 'add-task', join(root, 'task.md'));
    expect({ exitCode: added.exitCode, stderr: added.stderr }).toEqual({ exitCode: 0, stderr: '' });

    const daemon = await cli('run', 'daemon', '--mode', 'default_codex', '--max-ticks', '3');
    expect({ exitCode: daemon.exitCode, stderr: daemon.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(JSON.parse(daemon.stdout)).toMatchObject({ status: 0, result: { active_mode_id: 'default_codex', stages_run: 3 } });

    expect(await readFile(join(repo, 'built.txt'), 'utf8')).toBe('built-by-codex\n');
    expect(await readdir(join(runtimeRoot, 'tasks', 'done'))).toContain('task-e2e-1.md');
    const results = await readStageResults(runtimeRoot);
    expect(results.map((r) => [r.stage, r.terminal_result, r.result_class, r.runner_name]).sort()).toEqual([
      ['builder', 'BUILDER_COMPLETE', 'success', 'codex_cli'],
      ['checker', 'CHECKER_PASS', 'success', 'codex_cli'],
      ['updater', 'UPDATE_COMPLETE', 'success', 'codex_cli'],
    ]);
    const builder = results.find((r) => r.stage === 'builder');
    expect(TokenUsageSchema.parse(builder?.token_usage)).toEqual({ input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 60, thinking_tokens: 10, total_tokens: 300 });
    expect(server.requests.map((r) => stageInPrompt(r.userText))).toEqual(['builder', 'builder', 'checker', 'updater']);

    // the recorded usage reaches run inspection: 4 model requests x (120 in / 20 cached / 30 out / 5 reasoning)
    const runIds = await readdir(join(runtimeRoot, 'runs'));
    const shown = await cli('runs', 'show', runIds.find((id) => existsSync(join(runtimeRoot, 'runs', id, 'stage_results'))) ?? '');
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ result: { token_usage: { input_tokens: 480, cached_input_tokens: 80, output_tokens: 120, thinking_tokens: 20, total_tokens: 600 } } });

    // one usage ledger record per stage run; the builder's model is priced from config (no price is built in)
    const ledger = (await readFile(join(runtimeRoot, 'state', 'usage_ledger.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ledger.map((r) => [r.stage, r.runner_name, r.work_item_id, (r.token_usage as { total_tokens: number }).total_tokens])).toEqual([
      ['builder', 'codex_cli', 'task-e2e-1', 300],
      ['checker', 'codex_cli', 'task-e2e-1', 150],
      ['updater', 'codex_cli', 'task-e2e-1', 150],
    ]);
    // (240 - 40) x $2 + 40 x $0.5 + 60 x $10 per million tokens
    expect(ledger[0]).toMatchObject({ model_name: 'fake-model', cost_usd: 0.00102, cost_source: 'price_table', plane: 'execution' });
    expect(ledger[1]).toMatchObject({ cost_usd: null, cost_source: null });
    const usage = await cli('usage', '--by', 'item');
    expect(JSON.parse(usage.stdout)).toMatchObject({ result: { group_by: 'item', rows: [{ key: 'task:task-e2e-1', runs: 3, total_tokens: 600, cost_usd: 0.00102, unpriced_runs: 2 }] } });
  }, 120_000); // about 15 s alone; generous for a loaded 2-core CI machine
});
