import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runArtifactPaths, CompletionArtifactSchema, InvocationArtifactSchema, type RunnerActivityInput } from '@millrace/plugin-api';
import { checkRawResultConformance, stageInPrompt } from '@millrace/plugin-api/testing';
import { createClaudeCodeRunner } from '../../src/runner.js';
import { createClaudeStageFixture, type ClaudeStageFixture } from '../support/claude-stage.js';

// The real claude binary (pinned devDependency), offline against the fake Anthropic endpoint on 127.0.0.1.
describe('claude_code with the real claude binary', () => {
  let fx: ClaudeStageFixture;
  afterEach(async () => fx.cleanup());

  it('runs one stage: prompt on stdin, a real Bash tool call in the workspace, the marker, usage and cost', async () => {
    fx = await createClaudeStageFixture({ script: () => ({ steps: [{ shell: 'echo built-by-claude > built.txt' }, { text: 'Built it.\n### BUILDER_COMPLETE' }] }) });
    const request = fx.request();
    const activity: RunnerActivityInput[] = [];
    const raw = await createClaudeCodeRunner().run(request, fx.context({}, { onActivity: (a) => activity.push(a) }));

    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ runner_name: 'claude_code', model_name: 'fake-model', exit_kind: 'completed', exit_code: 0, failure_class: null, notes: [] });
    expect(await readFile(join(fx.workspaceRoot, 'built.txt'), 'utf8')).toBe('built-by-claude\n');
    const paths = runArtifactPaths(request);
    expect(await readFile(paths.stdout, 'utf8')).toBe('Built it.\n### BUILDER_COMPLETE');
    // two model requests, each 100 uncached input / 10 cache read / 5 cache write / 20 output; claude prices them itself
    expect(raw.token_usage).toEqual({ input_tokens: 230, cached_input_tokens: 20, cache_write_input_tokens: 10, output_tokens: 40, thinking_tokens: 0, total_tokens: 270 });
    expect(raw.cost_usd).toBeGreaterThan(0);
    expect(activity).toContainEqual({ kind: 'tool', text: 'tool Bash: echo built-by-claude > built.txt' });
    expect(activity).toContainEqual({ kind: 'output', text: 'assistant: Built it. ### BUILDER_COMPLETE' });

    // the prompt went over stdin: the command line does not hold it, the model saw it
    const invocation = InvocationArtifactSchema.parse(JSON.parse(await readFile(paths.invocation, 'utf8')));
    expect(invocation.command.join(' ')).not.toContain('Stage: builder');
    expect(invocation.command).toEqual(expect.arrayContaining(['-p', '--input-format', 'text', '--output-format', 'stream-json', '--permission-mode', 'acceptEdits']));
    expect(fx.server.requests.filter((r) => r.kind === 'messages').map((r) => [stageInPrompt(r.userText), r.step])).toEqual([['builder', 0], ['builder', 1]]);
    const completion = CompletionArtifactSchema.parse(JSON.parse(await readFile(paths.completion, 'utf8')));
    expect(completion).toMatchObject({ exit_kind: 'completed', token_usage: raw.token_usage, cost_usd: raw.cost_usd });
    // success with the failure_full policy keeps no event log
    expect(raw.event_log_path).toBeNull();
    expect(existsSync(paths.events)).toBe(false);

    // claude kept its state in the fixture's HOME, and nothing tried to leave 127.0.0.1
    expect(await readdir(fx.home)).toContain('.claude');
    expect(fx.proxyAttempts).toEqual([]);
    expect(fx.server.requests.filter((r) => r.kind === 'unknown')).toEqual([]);
    expect(homedir()).not.toBe(fx.home);
  }, 120_000);

  it('maps an API error result to provider_error and keeps the event log', async () => {
    fx = await createClaudeStageFixture({ script: () => ({ errorStatus: 400 }) });
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fx.context({ home: 'isolated' }));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'provider_error', exit_code: 1, failure_class: 'runner_provider_failure' });
    expect(raw.notes[0]).toBe('claude reported an error result (success, api_error): API Error: 400 fake server scripted error 400');
    expect(raw.event_log_path).toBe(runArtifactPaths(request).events);
    const lines = (await readFile(runArtifactPaths(request).events, 'utf8')).trim().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ type: 'result', is_error: true });
  }, 120_000);

  it('keeps the event log of a successful stage with event_log_policy = "full"', async () => {
    fx = await createClaudeStageFixture();
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fx.context({ event_log_policy: 'full' }));
    expect(raw).toMatchObject({ exit_kind: 'completed', event_log_path: runArtifactPaths(request).events });
    expect(await readFile(runArtifactPaths(request).events, 'utf8')).toContain('"type":"result"');
  }, 120_000);

  it('the trap proxy really catches traffic to another address (so an empty trap means claude stayed on 127.0.0.1)', async () => {
    fx = await createClaudeStageFixture();
    const request = fx.request();
    // an address outside 127.0.0.1 goes through the proxy, which refuses it: nothing leaves the machine
    const raw = await createClaudeCodeRunner().run(request, fx.context({ env: { ANTHROPIC_BASE_URL: 'https://api.example.invalid', CLAUDE_CODE_MAX_RETRIES: '0' } }));
    expect(fx.proxyAttempts).toEqual(['CONNECT api.example.invalid:443']);
    expect(raw).toMatchObject({ exit_kind: 'provider_error', failure_class: 'runner_provider_failure' });
    expect(fx.server.requests).toEqual([]);
  }, 120_000);

  it('maps a missing binary to runner_binary_not_found without touching the model', async () => {
    fx = await createClaudeStageFixture();
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fx.context({ command: join(fx.root, 'no-such-claude') }));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found', stdout_path: null, event_log_path: null });
    expect(await readFile(runArtifactPaths(request).stderr, 'utf8')).toBe(`runner binary not found: ${join(fx.root, 'no-such-claude')}\n`);
    expect(fx.server.requests).toEqual([]);
  });

  it('refuses permission level maximum as root without IS_SANDBOX=1, before launching claude', async () => {
    fx = await createClaudeStageFixture();
    const request = fx.request();
    const raw = await createClaudeCodeRunner({ isRoot: true }).run(request, fx.context({ permission_default: 'maximum', env: { IS_SANDBOX: '' } }));
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_permission_refused' });
    expect(raw.notes[0]).toMatch(/bypassPermissions.*IS_SANDBOX=1/);
    expect(fx.server.requests).toEqual([]);
  });
});
