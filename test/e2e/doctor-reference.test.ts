import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { DoctorResult } from '../../src/commands/doctor.js';
import { createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';

describe('doctor finds the reference checks', () => {
  it('closure lineage drift, an invalid status marker and an invalid baseline manifest', async () => {
    const ws = await createRuntimeWorkspace();
    const targets = join(ws.runtime, 'arbiter', 'targets');
    mkdirSync(targets, { recursive: true });
    writeFileSync(
      join(targets, 'idea-auth.json'),
      JSON.stringify({
        schema_version: '1.0', kind: 'closure_target_state', root_spec_id: 'idea-auth', root_idea_id: 'auth',
        root_spec_path: 'millrace-agents/specs/done/idea-auth.md', root_idea_path: 'millrace-agents/ideas/auth.md', rubric_path: 'millrace-agents/arbiter/rubrics/idea-auth.md',
        latest_verdict_path: null, latest_report_path: null, closure_open: true, closure_blocked_by_lineage_work: false, blocking_work_ids: [],
        opened_at: '2026-04-15T12:00:00Z', closed_at: null, last_arbiter_run_id: null,
      }),
    );
    writeTask(ws.runtime, 'task-drift', { root_idea_id: 'auth', root_spec_id: 'idea-other' });
    writeTask(ws.runtime, 'task-fine', { root_idea_id: 'auth', root_spec_id: 'idea-auth' });
    writeFileSync(join(ws.runtime, 'state', 'execution_status.md'), 'RUNNING\n');
    writeFileSync(join(ws.runtime, 'state', 'baseline_manifest.json'), '{"schema_version": "1.0"}\n');

    const text = await millrace(['doctor', '-w', ws.root]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain('error: closure_lineage_drift millrace-agents/tasks/queue/task-drift.md task task-drift has root idea-other; expected idea-auth');
    expect(text.stdout).toContain('error: execution_status_invalid millrace-agents/state/execution_status.md status marker must be one line "### <TOKEN>", found "RUNNING"');
    expect(text.stdout).toMatch(/^error: baseline_manifest_invalid millrace-agents\/state\/baseline_manifest\.json /m);
    expect(text.stdout).not.toContain('task-fine');
    expect(text.stdout).not.toContain('planning_status_invalid');
    const json = JSON.parse((await millrace(['doctor', '-w', ws.root, '--json'])).stdout) as JsonSuccess<DoctorResult>;
    expect(json.result.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['closure_lineage_drift', 'execution_status_invalid', 'baseline_manifest_invalid']));
  }, 120_000);
});
