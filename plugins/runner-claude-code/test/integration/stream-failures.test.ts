import { readFile } from 'node:fs/promises';
import { runArtifactPaths } from '@millrace/plugin-api';
import { checkRawResultConformance } from '@millrace/plugin-api/testing';
import { createClaudeCodeRunner } from '../../src/runner.js';
import { createClaudeStageFixture, FAKE_CLAUDE, type ClaudeStageFixture } from '../support/claude-stage.js';

// Stream shapes the real claude cannot be steered into, with a small stand-in binary (test/fixtures/fake-claude.mjs).
describe('claude_code stream failures', () => {
  let fx: ClaudeStageFixture;
  beforeEach(async () => {
    fx = await createClaudeStageFixture();
  });
  afterEach(async () => fx.cleanup());
  const fakeClaude = (behaviour: string, config: Record<string, unknown> = {}) =>
    fx.context({ command: process.execPath, args: [FAKE_CLAUDE], env: { FAKE_CLAUDE_BEHAVIOUR: behaviour }, ...config });

  it('reads the prompt from stdin and completes on a result line (the stand-in itself works)', async () => {
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fakeClaude('ok', { event_log_policy: 'full' }));
    expect(raw).toMatchObject({ exit_kind: 'completed', failure_class: null });
    const init = JSON.parse((await readFile(runArtifactPaths(request).events, 'utf8')).split('\n')[0] ?? '{}') as { prompt_chars: number };
    expect(init.prompt_chars).toBe((await readFile(runArtifactPaths(request).prompt, 'utf8')).length);
  });

  it('maps a stream that ends without a result line to runner_transport_failure', async () => {
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fakeClaude('no-result'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', stdout_path: null, token_usage: null });
    expect(raw.notes).toEqual(['claude exited without a result event in its stream-json output']);
    expect(raw.event_log_path).toBe(runArtifactPaths(request).events);
  });

  it('maps a malformed stream to runner_transport_failure, naming the line', async () => {
    const request = fx.request();
    const raw = await createClaudeCodeRunner().run(request, fakeClaude('malformed'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', failure_class: 'runner_transport_failure' });
    expect(raw.notes[0]).toBe('malformed stream-json from claude: 1 line(s) are not JSON objects (line(s) 2)');
  });

  it('reports every line of output as an activity', async () => {
    const request = fx.request();
    const activity: string[] = [];
    const raw = await createClaudeCodeRunner().run(request, { ...fakeClaude('no-result', { event_log_policy: 'full' }), onActivity: (a) => activity.push(`${a.kind}: ${a.text}`) });
    const lines = (await readFile(raw.event_log_path ?? '', 'utf8')).trim().split('\n');
    expect(activity).toEqual(['event: system init', 'output: assistant: thinking about it']);
    expect(activity).toHaveLength(lines.length);
  });
});
