import { jest } from '@jest/globals';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunnerActivityInput, RunnerRawResult, StageRunRequest } from '@millrace/plugin-api';
import { aStageRunRequest, checkRawResultConformance, startFakeModelServer, type FakeModelServer, type FakeScenario } from '@millrace/plugin-api/testing';
import { createPiRpcRunner } from '../../src/runner.js';
import { HERMETIC_PI_ARGS, REAL_PI, writePiAgentDir } from '../support/pi-agent-dir.js';

// The real pi binary, offline, against the fake model on 127.0.0.1. pi needs 1-2 s to start on an idle machine and
// several times that under load, so deadlines here leave room for start-up and nothing depends on wall-clock races.
jest.setTimeout(120_000);

let server: FakeModelServer;
let scenario: Partial<FakeScenario> = {};
const dirs: string[] = [];

beforeAll(async () => {
  server = await startFakeModelServer({ script: () => scenario });
});
afterAll(async () => {
  await server.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

// The spec's 2 s abort grace is the product default; under a fully loaded CI machine pi can need longer to kill its
// tool and emit agent_end, so the tests that assert the clean RPC abort path give it more room.
const LOADED_MACHINE_ABORT_GRACE_MS = 20_000;

async function runRealPi(next: Partial<FakeScenario>, timeoutSeconds: number, policy: 'failure_full' | 'full' = 'failure_full', signal?: AbortSignal) {
  scenario = next;
  server.requests.length = 0;
  const root = await mkdtemp(join(tmpdir(), 'millrace-real-pi-'));
  dirs.push(root);
  const workspace = join(root, 'repo');
  const env = await writePiAgentDir(join(root, 'agent'), server.baseUrl);
  const request: StageRunRequest = aStageRunRequest(join(workspace, 'millrace-agents'), { model_name: 'fake-model', timeout_seconds: timeoutSeconds });
  await mkdir(workspace, { recursive: true });
  // a context file that must never reach the model (disable_context_files defaults to true)
  await writeFile(join(workspace, 'AGENTS.md'), 'AGENTS-MARKER-MUST-NOT-LEAK\n');
  const config = { command: REAL_PI, args: HERMETIC_PI_ARGS, provider: 'fake', env, event_log_policy: policy };
  const progress: string[] = [];
  const usages: number[] = [];
  const onActivity = (a: RunnerActivityInput) => {
    if (a.text) progress.push(`${a.kind}: ${a.text}`);
    if (a.usage) usages.push(a.usage.total_tokens ?? 0);
  };
  const raw: RunnerRawResult = await createPiRpcRunner({ timings: { abortGraceMs: LOADED_MACHINE_ABORT_GRACE_MS } }).run(request, { workspaceRoot: workspace, runtimeRoot: join(workspace, 'millrace-agents'), config, signal, onActivity });
  return { raw, workspace, request, progress, usages };
}

const read = (path: string | null) => (path && existsSync(path) ? readFile(path, 'utf8') : Promise.resolve(null));

/** Processes whose command line contains `token` (to prove no tool process outlives the run). */
async function processesWith(token: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(token)) pids.push(Number(entry));
  }
  return pids;
}

describe('pi_rpc runner with the real pi 0.73.1 binary', () => {
  it('runs one stage with one tool call and a final message ending in the legal marker', async () => {
    const { raw, workspace, request, progress, usages } = await runRealPi({ steps: [{ shell: 'echo pi-tool-ran > proof.txt && cat proof.txt' }, { text: 'Wrote proof.txt.\n### BUILDER_COMPLETE' }] }, 90, 'full');
    expect(progress).toEqual([
      'event: turn started',
      'tool: bash: echo pi-tool-ran > proof.txt && cat proof.txt',
      'tool: bash finished',
      'event: turn started',
      'output: Wrote proof.txt.\n### BUILDER_COMPLETE',
      'event: agent finished',
    ]);
    // the running usage total after each model request (120 prompt tokens, 30 output each)
    expect(usages).toEqual([150, 300]);
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, failure_class: null, model_name: 'fake-model' });
    // every event type the real binary emitted is known to the client (an unknown one would leave a note)
    expect(raw.notes).toEqual([]);
    expect(await read(raw.stdout_path)).toBe('Wrote proof.txt.\n### BUILDER_COMPLETE');
    expect(await readFile(join(workspace, 'proof.txt'), 'utf8')).toBe('pi-tool-ran\n');
    // two model requests of 120 input (20 of them cached) and 30 output each; pi's own input excludes cached tokens,
    // the normalized input_tokens counts them
    expect(raw.token_usage).toEqual({ input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 60, thinking_tokens: 0, total_tokens: 300 });
    const events = (await read(raw.event_log_path))!.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; toolName?: string });
    expect(events.some((e) => e.type === 'message_update')).toBe(false);
    expect(events.find((e) => e.type === 'tool_execution_end')?.toolName).toBe('bash');
    expect(events.at(-1)?.type).toBe('agent_end');
    expect(server.requests.filter((r) => r.kind === 'chat')).toHaveLength(2);
    const sentToModel = JSON.stringify(server.requests.map((r) => r.body));
    expect(sentToModel).toContain('Legal markers for this stage: `### BUILDER_COMPLETE`, `### BLOCKED`.');
    expect(sentToModel).not.toContain('AGENTS-MARKER-MUST-NOT-LEAK');
  });

  it('aborts over RPC on timeout while the model stalls, and pi ends cleanly without a kill', async () => {
    const { raw, request } = await runRealPi({ delayMs: 120_000 }, 25);
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(server.requests.filter((r) => r.kind === 'chat')).toHaveLength(1);
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout', stdout_path: null, token_usage: null });
    expect(raw.notes).toEqual(['runner process exceeded timeout', 'sent pi rpc abort command']);
    const events = (await read(raw.event_log_path))!.trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; messages?: Array<{ stopReason?: string }> });
    expect(events.at(-1)?.type).toBe('agent_end');
    expect(events.at(-1)?.messages?.at(-1)?.stopReason).toBe('aborted');
  });

  it('an operator stop during a tool call aborts over RPC and leaves no orphaned tool process', async () => {
    const token = `millrace-orphan-probe-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const started = (workspace: string) => existsSync(join(workspace, 'started.txt'));
    // stop as soon as the tool is observably running, however long pi took to start
    const poll = setInterval(() => {
      for (const dir of dirs) if (started(join(dir, 'repo'))) controller.abort();
    }, 100);
    const { raw, workspace } = await runRealPi({ steps: [{ shell: `echo started > started.txt; sleep 45 # ${token}` }, { text: 'never\n### BUILDER_COMPLETE' }] }, 300, 'failure_full', controller.signal).finally(() => clearInterval(poll));
    expect(raw).toMatchObject({ exit_kind: 'interrupted', failure_class: 'runner_interrupted' });
    expect(raw.notes).toEqual(['runner interrupted by operator stop', 'sent pi rpc abort command']);
    expect(started(workspace)).toBe(true);
    const events = (await read(raw.event_log_path))!;
    expect(events).toContain('"type":"tool_execution_end"');
    await new Promise((r) => setTimeout(r, 300));
    expect(await processesWith(token)).toEqual([]);
  });

  it('reports a retryable provider error at the first agent_end because auto-retry is switched off over RPC', async () => {
    const { raw } = await runRealPi({ errorStatus: 503 }, 90);
    expect(raw).toMatchObject({ exit_kind: 'provider_error', exit_code: 1, failure_class: 'runner_provider_failure', stdout_path: null });
    expect(raw.notes.join('\n')).toContain('provider error: 503');
    // pi's own auto-retry would emit auto_retry_start and add attempts after 2/4/8 s; only the HTTP client's quick retries remain
    const types = (await read(raw.event_log_path))!.trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types.filter((t) => t === 'agent_end')).toHaveLength(1);
    expect(types).not.toContain('auto_retry_start');
    expect(server.requests.filter((r) => r.kind === 'chat').length).toBeLessThanOrEqual(3);
  });
});
