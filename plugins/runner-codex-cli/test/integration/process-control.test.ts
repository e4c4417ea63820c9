import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runArtifactPaths } from '@millrace/plugin-api';
import { checkRawResultConformance } from '@millrace/plugin-api/testing';
import { createCodexRunner } from '../../src/runner.js';
import { createCodexStageFixture, FAKE_CODEX, type CodexStageFixture } from '../support/codex-stage.js';

// Process-level cases the real codex cannot be steered into, with a small stand-in binary (test/fixtures/fake-codex.mjs).
// A killed process whose parent died may stay a zombie until init reaps it: count that as gone.
const running = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
};

describe('codex_cli process control', () => {
  let fx: CodexStageFixture;
  beforeEach(async () => {
    fx = await createCodexStageFixture();
  });
  afterEach(async () => fx.cleanup());
  const fakeCodex = (behaviour: string, env: Record<string, string> = {}) => fx.context({ command: process.execPath, args: [FAKE_CODEX], env: { FAKE_CODEX_BEHAVIOUR: behaviour, ...env } });

  it('reconciles a timeout when the final legal marker was already written', async () => {
    const request = fx.request({ timeout_seconds: 1 });
    const raw = await createCodexRunner({ graceMs: 3000 }).run(request, fakeCodex('marker-then-hang'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, observed_exit_kind: 'timeout', observed_exit_code: 124, failure_class: null });
    expect(raw.notes).toEqual(['runner timeout reconciled after final terminal marker ### BUILDER_COMPLETE']);
    expect(await readFile(runArtifactPaths(request).stdout, 'utf8')).toBe('all done\n### BUILDER_COMPLETE');
  });

  it('does not reconcile a non-zero exit even when the marker was written', async () => {
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fakeCodex('marker-then-exit-3'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 3, observed_exit_kind: null, failure_class: 'runner_non_zero_exit' });
  });

  it('kills the whole process group when SIGINT is ignored past the grace period', async () => {
    const pidFile = join(fx.workspaceRoot, 'child.pid');
    const request = fx.request({ timeout_seconds: 1 });
    const started = Date.now();
    const raw = await createCodexRunner({ graceMs: 500 }).run(request, fakeCodex('ignore-sigint', { FAKE_CODEX_PID_FILE: pidFile }));
    expect(Date.now() - started).toBeLessThan(4000);
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124, failure_class: 'runner_timeout' });
    expect(raw.notes).toContain('process group killed after the SIGINT grace period');
    const childPid = Number(await readFile(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await running(childPid)).toBe(false);
  });

  it('maps a malformed JSONL stream to runner_transport_failure', async () => {
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fakeCodex('malformed'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', failure_class: 'runner_transport_failure' });
    expect(raw.notes[0]).toBe('malformed JSONL event stream from codex: line(s) 3 are not JSON objects');
  });

  it('reads output of any size in bounded memory: an over-long event line is reported as too long, the last message is copied whole', async () => {
    const request = fx.request();
    const raw = await createCodexRunner().run(request, fakeCodex('huge-output'));
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'runner_error', failure_class: 'runner_transport_failure' });
    expect(raw.notes[0]).toBe('malformed JSONL event stream from codex: line(s) 3 are longer than 8 Mi characters (not read)');
    expect(raw.token_usage?.total_tokens).toBe(12);
    const stdout = await readFile(runArtifactPaths(request).stdout, 'utf8');
    expect(stdout.length).toBe(3 * 1024 * 1024 + '\n### BUILDER_COMPLETE'.length);
    expect(stdout.endsWith('\n### BUILDER_COMPLETE')).toBe(true);
  });

  it('reports an operator stop as interrupted', async () => {
    const request = fx.request({ timeout_seconds: 30 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const raw = await createCodexRunner({ graceMs: 2000 }).run(request, { ...fakeCodex('marker-then-hang'), signal: controller.signal });
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'interrupted', failure_class: 'runner_interrupted', observed_exit_kind: null });
  });
});
