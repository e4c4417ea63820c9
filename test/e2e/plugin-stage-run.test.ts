import { jest } from '@jest/globals';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { RunDaemonResult } from '../../src/commands/run/daemon.js';
import type { StageRunRequest } from '@millrace/plugin-api';
import type { RunInspection, RuntimeSnapshot, StageResultEnvelope } from '../../src/contracts/runtime-state.js';
import type { StatusView } from '../../src/views/status.js';
import { jsonOf, runCli } from '../support/cli.js';
import { REPO_ROOT, createRuntimeWorkspace, mdIn, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

const REVIEW_PLUGIN = join(REPO_ROOT, 'test', 'fixtures', 'plugin-review-loop');

jest.setTimeout(180_000);

const decisions = (runtime: string) =>
  readEvents(runtime)
    .filter((e) => e.event_type === 'router_decision')
    .map((e) => `${String(e.data.stage)}:${String(e.data.terminal_result)}->${String(e.data.action)}:${String(e.data.next_stage ?? '-')}`);

function stageResults(runtime: string): StageResultEnvelope[] {
  const runs = join(runtime, 'runs');
  return readdirSync(runs).flatMap((run) => {
    const dir = join(runs, run, 'stage_results');
    return readdirSync(dir).map((name) => readJson<StageResultEnvelope>(join(dir, name)));
  });
}

describe('a plugin-contributed stage kind through `run daemon`', () => {
  it('runs the reviewer of the linked review loop like a shipped stage: routing, results, events, status', async () => {
    const ws = await createRuntimeWorkspace({ script: { reviewer: ['REVIEW_CHANGES', 'REVIEW_PASS'] } });
    // oclif's plugin state lives in the temp tree so the link is private to this test.
    const env = { MILLRACE_DATA_DIR: join(ws.root, 'oclif', 'data'), MILLRACE_CACHE_DIR: join(ws.root, 'oclif', 'cache'), MILLRACE_CONFIG_DIR: join(ws.root, 'oclif', 'config') };
    const cli = (...args: string[]) => runCli(args, { env });
    try {
      for (const [rel, text] of [
        ['entrypoints/execution/reviewer.md', '# Reviewer Entry Instructions\n'],
        ['skills/stage/execution/reviewer-core/SKILL.md', '# reviewer core\n'],
      ] as const) {
        mkdirSync(dirname(join(ws.runtime, rel)), { recursive: true });
        writeFileSync(join(ws.runtime, rel), text);
      }
      expect((await cli('plugins', 'link', REVIEW_PLUGIN, '--no-install')).exitCode).toBe(0);
      // A contributed stage is a `[stages.*]` key like a shipped one; a misspelt name is still refused.
      const configFile = join(ws.root, '.millracerc.json');
      writeFileSync(configFile, JSON.stringify({ stages: { reviewr: { model: 'review-model' } } }));
      const typo = await cli('config', 'validate', '-w', ws.root, '--mode', 'review_command');
      expect(typo.exitCode).toBe(1);
      expect(typo.stderr).toContain('.millracerc.json: stages.reviewr: unknown stage name');
      writeFileSync(configFile, JSON.stringify({ stages: { reviewer: { model: 'review-model', timeout_seconds: 77 } } }));
      writeTask(ws.runtime, 'task-001');

      // Builder and checker; the router then makes the reviewer the active stage.
      const first = await cli('run', 'daemon', '-w', ws.root, '--mode', 'review_command', '--max-ticks', '2', '--json');
      expect(first.exitCode).toBe(0);
      expect(jsonOf<JsonSuccess<RunDaemonResult>>(first).result).toMatchObject({ stages_run: 2, active_mode_id: 'review_command' });
      const status = jsonOf<JsonSuccess<StatusView>>(await cli('status', '-w', ws.root, '--json')).result;
      expect(status).toMatchObject({ active_plane: 'execution', active_stage: 'reviewer', active_node_id: 'reviewer', active_stage_kind_id: 'reviewer', active_work_item_id: 'task-001' });
      expect(status.active_runs).toEqual([expect.objectContaining({ stage: 'reviewer', stage_kind_id: 'reviewer' })]);

      const rest = await cli('run', 'daemon', '-w', ws.root, '--mode', 'review_command', '--max-ticks', '6', '--json');
      expect(rest.exitCode).toBe(0);
      expect(jsonOf<JsonSuccess<RunDaemonResult>>(rest).result).toMatchObject({ stages_run: 5 });
      expect(decisions(ws.runtime)).toEqual([
        'builder:BUILDER_COMPLETE->run_stage:checker',
        'checker:CHECKER_PASS->run_stage:reviewer',
        'reviewer:REVIEW_CHANGES->run_stage:fixer',
        'fixer:FIXER_COMPLETE->run_stage:doublechecker',
        'doublechecker:DOUBLECHECK_PASS->run_stage:reviewer',
        'reviewer:REVIEW_PASS->run_stage:updater',
        'updater:UPDATE_COMPLETE->idle:-',
      ]);
      expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['task-001.md']);
      expect(readJson<RuntimeSnapshot>(join(ws.runtime, 'state', 'runtime_snapshot.json'))).toMatchObject({ active_stage: null, last_terminal_result: 'UPDATE_COMPLETE', execution_status_marker: '### IDLE' });

      const reviews = stageResults(ws.runtime).filter((r) => r.stage === 'reviewer');
      expect(reviews.map((r) => [r.node_id, r.stage_kind_id, r.plane, r.terminal_result, r.result_class]).sort()).toEqual([
        ['reviewer', 'reviewer', 'execution', 'REVIEW_CHANGES', 'followup_needed'],
        ['reviewer', 'reviewer', 'execution', 'REVIEW_PASS', 'success'],
      ]);
      for (const r of reviews) {
        expect(r).toMatchObject({ work_item_kind: 'task', work_item_id: 'task-001', runner_name: 'command' });
        expect(readFileSync(r.stdout_path!, 'utf8')).toContain('fake agent ran reviewer for task-001');
      }
      const started = readEvents(ws.runtime).filter((e) => e.event_type === 'stage_started');
      expect(started.map((e) => e.data.stage)).toEqual(['builder', 'checker', 'reviewer', 'fixer', 'doublechecker', 'reviewer', 'updater']);

      // The request the runner got carries the contributed stage's facts from the compiled plan.
      const review = started.find((e) => e.data.stage === 'reviewer')!.data;
      const request = readJson<StageRunRequest>(join(ws.runtime, 'runs', String(review.run_id), `runner_request.${String(review.request_id)}.json`));
      expect(request).toMatchObject({
        stage: 'reviewer',
        stage_kind_id: 'reviewer',
        node_id: 'reviewer',
        plane: 'execution',
        mode_id: 'review_command',
        model_name: 'review-model',
        timeout_seconds: 77,
        running_status_marker: 'REVIEWER_RUNNING',
        legal_terminal_markers: ['### REVIEW_PASS', '### REVIEW_CHANGES', '### BLOCKED'],
        entrypoint_path: join(ws.runtime, 'entrypoints', 'execution', 'reviewer.md'),
        required_skill_paths: [join(ws.runtime, 'skills', 'stage', 'execution', 'reviewer-core', 'SKILL.md')],
      });
      const shown = jsonOf<JsonSuccess<RunInspection>>(await cli('runs', 'show', String(review.run_id), '-w', ws.root, '--json')).result;
      expect(shown.status).toBe('valid');
      expect(shown.stage_results.map((r) => r.stage)).toEqual(['builder', 'checker', 'reviewer', 'fixer', 'doublechecker', 'reviewer', 'updater']);
    } finally {
      rmSync(ws.root, { recursive: true, force: true });
    }
  });
});
