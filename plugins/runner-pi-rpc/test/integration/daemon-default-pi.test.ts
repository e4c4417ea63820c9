import { jest } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { legalMarkersInPrompt, stageInPrompt, startFakeModelServer, type FakeModelServer } from '@millrace/plugin-api/testing';
import { HERMETIC_PI_ARGS, REAL_PI, writePiAgentDir } from '../support/pi-agent-dir.js';

// End to end: the built CLI, `millrace run daemon --mode default_pi`, the real pi binary, the fake model on 127.0.0.1.
// Three real pi processes (1-2 s start-up each on an idle machine, much more under load).
jest.setTimeout(300_000);

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const BIN = join(REPO, 'bin/run.js');

let server: FakeModelServer;
let root: string;

/** Each stage answers with the first legal marker of its prompt (the success outcome); the builder first writes a file. */
function stageScript(request: { userText: string }) {
  const stage = stageInPrompt(request.userText);
  const [marker] = legalMarkersInPrompt(request.userText);
  const reply = { text: `Stage ${stage} done.\n${marker}` };
  return stage === 'builder' ? { steps: [{ shell: 'echo built-by-pi > built.txt' }, reply] } : { steps: [reply] };
}

const millrace = (args: string[], cwd: string) => execa(process.execPath, [BIN, ...args], { cwd, reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });

beforeAll(async () => {
  server = await startFakeModelServer({ script: stageScript });
  root = await mkdtemp(join(tmpdir(), 'millrace-e2e-pi-'));
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const tomlString = (v: string) => JSON.stringify(v);

it('takes a task builder -> checker -> updater -> done under run daemon --mode default_pi with the real pi', async () => {
  const repo = join(root, 'repo');
  await mkdir(repo, { recursive: true });
  const init = await millrace(['init', '--json'], repo);
  expect(init.exitCode).toBe(0);

  const env = await writePiAgentDir(join(root, 'agent'), server.baseUrl);
  const envTable = Object.entries(env).map(([k, v]) => `${k} = ${tomlString(v)}`).join(', ');
  await writeFile(
    join(repo, 'millrace-agents/millrace.toml'),
    [
      '[runtime]',
      'default_mode = "default_codex"',
      'run_style = "daemon"',
      '',
      '[runners.pi]',
      `command = ${tomlString(REAL_PI)}`,
      `args = [${HERMETIC_PI_ARGS.map(tomlString).join(', ')}]`,
      'provider = "fake"',
      'model = "fake-model"',
      `env = { ${envTable} }`,
      '',
    ].join('\n'),
  );
  const taskFile = join(root, 'T-PI-1.md');
  await writeFile(
    taskFile,
    [
      '---',
      'task_id: T-PI-1',
      'title: Build with pi',
      'created_at: 2026-11-27T12:00:00Z',
      'created_by: e2e',
      'target_paths: [built.txt]',
      'acceptance: [built.txt exists]',
      'required_checks: [cat built.txt]',
      'references: [none]',
      'risk: [low]',
      '---',
      'Write built.txt.',
      '',
    ].join('\n'),
  );
  const added = await millrace(['queue', 'add-task', taskFile, '--json'], repo);
  expect(added.exitCode).toBe(0);

  const run = await millrace(['run', 'daemon', '--mode', 'default_pi', '--max-ticks', '6', '--json'], repo);
  const envelope = JSON.parse(run.stdout) as { status: number; error?: unknown; result?: unknown };
  expect({ exitCode: run.exitCode, stderr: run.stderr, error: envelope.error ?? null }).toEqual({ exitCode: 0, stderr: '', error: null });
  expect(envelope).toMatchObject({ status: 0, result: { active_mode_id: 'default_pi' } });

  const agents = join(repo, 'millrace-agents');
  expect(existsSync(join(agents, 'tasks/done/T-PI-1.md'))).toBe(true);
  expect(await readFile(join(repo, 'built.txt'), 'utf8')).toBe('built-by-pi\n');

  const [runId] = await readdir(join(agents, 'runs'));
  const resultsDir = join(agents, 'runs', runId!, 'stage_results');
  const results = await Promise.all((await readdir(resultsDir)).map(async (f) => JSON.parse(await readFile(join(resultsDir, f), 'utf8')) as { stage: string; terminal_result: string; runner_name: string; success: boolean; started_at: string }));
  results.sort((a, b) => a.started_at.localeCompare(b.started_at));
  expect(results.map((r) => [r.stage, r.terminal_result, r.runner_name, r.success])).toEqual([
    ['builder', 'BUILDER_COMPLETE', 'pi_rpc', true],
    ['checker', 'CHECKER_PASS', 'pi_rpc', true],
    ['updater', 'UPDATE_COMPLETE', 'pi_rpc', true],
  ]);
  // every model call went to the fake on 127.0.0.1: builder (tool round + answer), checker, updater
  expect(server.requests.filter((r) => r.kind === 'chat').map((r) => stageInPrompt(r.userText))).toEqual(['builder', 'builder', 'checker', 'updater']);

  // one usage ledger record per stage run, in pi's session totals normalized (input counts cached tokens)
  const ledger = (await readFile(join(agents, 'state', 'usage_ledger.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { stage: string; runner_name: string; model_name: string; token_usage: Record<string, number> });
  expect(ledger.map((r) => [r.stage, r.runner_name, r.model_name])).toEqual([
    ['builder', 'pi_rpc', 'fake-model'],
    ['checker', 'pi_rpc', 'fake-model'],
    ['updater', 'pi_rpc', 'fake-model'],
  ]);
  expect(ledger[0]?.token_usage).toEqual({ input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 60, thinking_tokens: 0, total_tokens: 300 });
  const usage = await millrace(['usage', '--by', 'runner', '--json'], repo);
  expect(JSON.parse(usage.stdout)).toMatchObject({ result: { rows: [{ key: 'pi_rpc', runs: 3, input_tokens: 480, total_tokens: 600 }] } });
});
