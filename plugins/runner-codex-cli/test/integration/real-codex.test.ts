import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import { buildStagePrompt, CompletionArtifactSchema, InvocationArtifactSchema, runArtifactPaths } from '@millrace/plugin-api';
import { checkRawResultConformance } from '@millrace/plugin-api/testing';
import { createCodexRunner } from '../../src/runner.js';
import { createCodexStageFixture, type CodexStageFixture } from '../support/codex-stage.js';

// Real codex-cli 0.169.0 against the fake model server on 127.0.0.1: one tool call, then the final marker.
const toolThenMarker = () => ({ steps: [{ shell: 'echo codex-tool-ran > proof.txt' }, { text: 'Wrote proof.txt.\n### BUILDER_COMPLETE' }] });

/** Whether a native codex process of this test (its environment holds `marker`) has a SIGINT handler installed. */
function nativeCodexCatchingSigint(marker: string): boolean {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'codex') continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker)) continue;
      const caught = /^SigCgt:\s*([0-9a-f]+)$/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (caught && (BigInt(`0x${caught}`) & (1n << BigInt(constants.signals.SIGINT - 1))) !== 0n) return true;
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return false;
}

describe('codex_cli adapter with the real codex binary', () => {
  let fx: CodexStageFixture;
  afterEach(async () => fx.cleanup());

  it('performs a builder stage: tool call in the workspace, marker on stdout, usage and artifacts recorded', async () => {
    fx = await createCodexStageFixture({ script: toolThenMarker });
    const request = fx.request({ model_name: 'fake-model', model_reasoning_effort: 'high' });
    const activity: Array<{ kind: string; text: string; total?: number }> = [];
    const raw = await createCodexRunner().run(request, fx.context({}, { onActivity: (a) => activity.push({ kind: a.kind, text: a.text, total: a.usage?.total_tokens }) }));
    const paths = runArtifactPaths(request);
    // live activity from the JSONL stream: the tool call, the final message and the turn's usage
    expect(activity.filter((a) => a.kind === 'tool').map((a) => a.text)).toEqual([expect.stringContaining('exec '), expect.stringMatching(/^exec exited 0: .*proof\.txt/)]);
    expect(activity).toContainEqual({ kind: 'output', text: 'Wrote proof.txt.\n### BUILDER_COMPLETE', total: undefined });
    expect(activity.at(-1)).toEqual({ kind: 'event', text: 'turn completed', total: 300 });

    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, failure_class: null, runner_name: 'codex_cli', stdout_path: paths.stdout, event_log_path: paths.events });
    expect(await readFile(join(fx.workspaceRoot, 'proof.txt'), 'utf8')).toBe('codex-tool-ran\n');
    expect((await readFile(paths.stdout, 'utf8')).trimEnd().split('\n').at(-1)).toBe('### BUILDER_COMPLETE');
    // two model requests x (input 120, cached 20, output 30, reasoning 5)
    expect(raw.token_usage).toEqual({ input_tokens: 240, cached_input_tokens: 40, cache_write_input_tokens: 0, output_tokens: 60, thinking_tokens: 10, total_tokens: 300 });

    expect(await readFile(paths.prompt, 'utf8')).toBe(buildStagePrompt(request));
    const invocation = InvocationArtifactSchema.parse(JSON.parse(await readFile(paths.invocation, 'utf8')));
    expect(invocation.command.at(-1)).toBe(buildStagePrompt(request));
    expect(invocation.command).toEqual(expect.arrayContaining(['--json', '--output-last-message', paths.lastMessage, '--model', 'fake-model', 'model_reasoning_effort="high"']));
    const completion = CompletionArtifactSchema.parse(JSON.parse(await readFile(paths.completion, 'utf8')));
    expect(completion).toMatchObject({ exit_kind: 'completed', token_usage: raw.token_usage, failure_class: null });
    expect(await readFile(paths.events, 'utf8')).toContain('"type":"turn.completed"');

    const [first] = fx.server.requests;
    expect(first?.userText).toContain('Legal markers for this stage: `### BUILDER_COMPLETE`, `### BLOCKED`.');
    expect(first?.body).toMatchObject({ model: 'fake-model', reasoning: { effort: 'high' } });
    expect(fx.server.requests.map((r) => r.step)).toEqual([0, 1]);
  });

  it.each(['basic', 'elevated', 'maximum'] as const)('runs with permission level %s and its tool can write the workspace', async (level) => {
    fx = await createCodexStageFixture({ script: toolThenMarker });
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fx.context({ permission_default: level }));
    expect(raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, failure_class: null });
    expect(await readFile(join(fx.workspaceRoot, 'proof.txt'), 'utf8')).toBe('codex-tool-ran\n');
    const invocation = JSON.parse(await readFile(runArtifactPaths(request).invocation, 'utf8')) as { command: string[] };
    const expected = { basic: 'workspace-write', elevated: 'danger-full-access', maximum: '--dangerously-bypass-approvals-and-sandbox' }[level];
    expect(invocation.command).toContain(expected);
  });

  it('passes --profile so codex 0.169 layers $CODEX_HOME/<profile>.config.toml, and extra_config as -c', async () => {
    fx = await createCodexStageFixture({ script: toolThenMarker });
    await writeFile(join(fx.codexEnv.CODEX_HOME ?? '', 'work.config.toml'), 'model = "profile-model"\n');
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fx.context({ profile: 'work', extra_config: ['model_reasoning_effort="low"'] }));
    expect(raw).toMatchObject({ exit_kind: 'completed', failure_class: null });
    expect(fx.server.requests[0]?.body).toMatchObject({ model: 'profile-model', reasoning: { effort: 'low' } });
  });

  it('deletes a stale last message first, so a failed turn never reads as success', async () => {
    fx = await createCodexStageFixture({ script: () => ({ errorStatus: 401 }) });
    const request = fx.request();
    const paths = runArtifactPaths(request);
    await mkdir(request.run_dir, { recursive: true });
    await writeFile(paths.lastMessage, 'old run\n### BUILDER_COMPLETE');
    const raw = await createCodexRunner().run(request, fx.context());
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'provider_error', failure_class: 'runner_provider_failure' });
    expect(raw.notes[0]).toMatch(/^codex turn failed: .*401/);
    const stdout = raw.stdout_path ? await readFile(raw.stdout_path, 'utf8') : '';
    expect(stdout).not.toContain('BUILDER_COMPLETE');
  });

  it('stops a run past its timeout (SIGINT once its turn runs) and reports runner_timeout', async () => {
    fx = await createCodexStageFixture({ script: () => ({ delayMs: 30_000 }) });
    const request = fx.request({ timeout_seconds: 1 });
    const started = Date.now();
    const raw = await createCodexRunner({ graceMs: 5000 }).run(request, fx.context());
    expect(Date.now() - started).toBeLessThan(5000);
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout', observed_exit_kind: null });
    expect(raw.notes).toEqual(['runner process exceeded timeout of 1 seconds']);
    expect(await readFile(runArtifactPaths(request).stderr, 'utf8')).toContain('runner timed out after 1 seconds');
  });

  it('an operator stop that lands while codex is still starting its turn ends it at once (codex would drop a SIGINT there)', async () => {
    fx = await createCodexStageFixture({ script: () => ({ delayMs: 30_000 }) });
    const request = fx.request({ timeout_seconds: 60 });
    const controller = new AbortController();
    const marker = `CODEX_HOME=${fx.codexEnv.CODEX_HOME}`;
    let stoppedAt = 0;
    let turnAlreadyStarted = false;
    // The moment the native codex catches SIGINT (its handler is installed) is the start of the window in which an
    // interrupt is dropped; stop there, unless the turn has already started.
    void (async () => {
      while (!controller.signal.aborted) {
        if (nativeCodexCatchingSigint(marker)) {
          turnAlreadyStarted = (await readFile(runArtifactPaths(request).events, 'utf8').catch(() => '')).includes('turn.started');
          stoppedAt = Date.now();
          controller.abort();
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const raw = await createCodexRunner({ graceMs: 20_000 }).run(request, fx.context({}, { signal: controller.signal }));
    controller.abort();
    expect(stoppedAt).toBeGreaterThan(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    expect(raw).toMatchObject({ exit_kind: 'interrupted', failure_class: 'runner_interrupted' });
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    // Reported, not asserted: which side of the turn start the stop landed on depends on the machine.
    if (turnAlreadyStarted) process.stderr.write('note: the turn had already started when the stop landed\n');
  });

  it('reports a missing binary with an install hint', async () => {
    fx = await createCodexStageFixture();
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fx.context({ command: join(fx.workspaceRoot, 'no-such-codex') }));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found', stdout_path: null, event_log_path: null, token_usage: null });
    expect(raw.notes[0]).toContain('install @openai/codex or set runners.codex.command');
    expect(await readFile(runArtifactPaths(request).stderr, 'utf8')).toBe(`runner binary not found: ${join(fx.workspaceRoot, 'no-such-codex')}\n`);
    expect(fx.server.requests).toEqual([]);
  });
});
