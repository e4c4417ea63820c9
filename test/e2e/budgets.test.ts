import { jest } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { ControlResult } from '../../src/runtime/control/control-result.js';
import type { RuntimeSnapshot } from '../../src/contracts/runtime-state.js';
import type { StatusView } from '../../src/views/status.js';
import { BIN, createRuntimeWorkspace, mdIn, millrace, readEvents, readJson, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(240_000);

const USAGE = JSON.stringify({ model: 'wrapped-model', input_tokens: 1000, cached_input_tokens: 0, output_tokens: 100 });

/** A command-runner workspace whose fake agent reports 1,100 tokens per stage, with the given governance config. */
async function budgetWorkspace(governanceToml: string, script: Record<string, string[]> = {}) {
  const ws = await createRuntimeWorkspace({ script, extraToml: governanceToml });
  const toml = join(ws.runtime, 'millrace.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_USAGE = ${JSON.stringify(USAGE)}, FAKE_AGENT_SCRIPT`));
  return ws;
}

const snapshotOf = (runtime: string) => readJson<RuntimeSnapshot>(join(runtime, 'state', 'runtime_snapshot.json'));
const statusJson = async (root: string) => (JSON.parse((await millrace(['status', '-w', root, '--json'])).stdout) as JsonSuccess<StatusView>).result;

async function waitFor(check: () => boolean, what: string, ms = 90_000): Promise<void> {
  for (const start = Date.now(); !check(); ) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let daemon: ResultPromise | null = null;
afterEach(async () => {
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGKILL');
    await daemon.catch(() => undefined);
  }
  daemon = null;
});

const startDaemon = (root: string) => (daemon = execa('node', [BIN, 'run', 'daemon', '-w', root], { reject: false, env: { CI: '1' } }));

describe('budgets (usage governance) with a real daemon and the command runner', () => {
  it('a rolling window pauses after the stage that reached it, keeps an operator pause separate and resumes by itself when the window rolls over', async () => {
    // 60 s: long enough for the checks below on a loaded machine; the window is counted on the ledger's record times.
    const ws = await budgetWorkspace(
      ['[usage_governance]', 'enabled = true', '[usage_governance.runtime_token_rules]', 'enabled = false', '[[usage_governance.limits]]', 'id = "burst"', 'window = "rolling"', 'window_seconds = 60', 'max_tokens = 2000', ''].join('\n'),
    );
    writeTask(ws.runtime, 'task-001');
    const run = startDaemon(ws.root);
    await waitFor(() => snapshotOf(ws.runtime).pause_sources.includes('usage_governance'), 'the governance pause');
    // The operator pauses too: both sources at once.
    expect((await millrace(['pause', '-w', ws.root])).exitCode).toBe(0);
    await waitFor(() => snapshotOf(ws.runtime).pause_sources.length === 2, 'both pause sources');

    // The running stage finished (builder 1,100 + checker 1,100 = 2,200 >= 2,000); the updater waits.
    const ledger = readFileSync(join(ws.runtime, 'state', 'usage_ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { stage: string; recorded_at: string });
    expect(ledger.map((r) => r.stage)).toEqual(['builder', 'checker']);
    const resetsAt = new Date(Date.parse(ledger[0]!.recorded_at) + 60_000).toISOString();
    expect(snapshotOf(ws.runtime)).toMatchObject({ paused: true, pause_sources: ['operator', 'usage_governance'], active_stage: 'updater', active_work_item_id: 'task-001' });

    const text = await millrace(['status', '-w', ws.root]);
    expect(text.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        'paused: true',
        'pause_sources: operator,usage_governance',
        'usage_governance_enabled: true',
        'usage_governance_paused: true',
        'usage_governance_blocker_count: 1',
        'usage_governance_auto_resume_possible: true',
        `usage_governance_next_auto_resume_at: ${resetsAt}`,
        `usage_governance_blocker: burst (rolling 1m): tokens 2,200/2,000; resets_at=${resetsAt}`,
      ]),
    );
    const json = await statusJson(ws.root);
    expect(json).toMatchObject({ paused: true, pause_sources: 'operator,usage_governance' });
    expect(json.usage_governance).toMatchObject({ enabled: true, paused: true, auto_resume_possible: true, next_auto_resume_at: resetsAt, overridden_limit_ids: [] });
    expect(json.usage_governance.blockers).toEqual([expect.objectContaining({ id: 'burst', window: 'rolling', window_seconds: 60, used_tokens: 2200, max_tokens: 2000, reached_by: ['tokens'], resets_at: resetsAt })]);

    // The window's roll-over lifts only the governance pause: the operator's stays, so the updater still waits.
    await waitFor(() => readEvents(ws.runtime).some((e) => e.event_type === 'usage_governance_resumed'), 'the window to roll over');
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(resetsAt));
    expect(readEvents(ws.runtime).find((e) => e.event_type === 'usage_governance_resumed')?.data).toEqual({ reason: 'limits_reset' });
    expect(snapshotOf(ws.runtime)).toMatchObject({ paused: true, pause_sources: ['operator'], active_stage: 'updater' });
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual([]);
    const after = await statusJson(ws.root);
    expect(after.usage_governance).toMatchObject({ paused: false, blockers: [] });
    expect(after.usage_governance.budgets).toEqual([expect.objectContaining({ id: 'burst', reached: false })]);

    const resumed = await millrace(['resume', '-w', ws.root]);
    expect(resumed.stdout).not.toContain('refused');
    await waitFor(() => mdIn(join(ws.runtime, 'tasks', 'done')).includes('task-001.md'), 'the task to finish');
    run.kill('SIGTERM');
    await run;
  });

  it('a daemon-session limit never resets by time: status says so, resume is refused, resume --force overrides it for the session', async () => {
    const ws = await budgetWorkspace(
      ['[usage_governance]', 'enabled = true', '[usage_governance.runtime_token_rules]', 'enabled = false', '[[usage_governance.limits]]', 'id = "session-cap"', 'window = "daemon_session"', 'max_tokens = 2000', ''].join('\n'),
    );
    writeTask(ws.runtime, 'task-001');
    writeTask(ws.runtime, 'task-002');
    const run = startDaemon(ws.root);
    await waitFor(() => snapshotOf(ws.runtime).pause_sources.includes('usage_governance'), 'the governance pause');
    const text = (await millrace(['status', '-w', ws.root])).stdout.split('\n');
    expect(text).toEqual(expect.arrayContaining(['usage_governance_auto_resume_possible: false', 'usage_governance_next_auto_resume_at: none', 'usage_governance_blocker: session-cap (daemon session): tokens 2,200/2,000; resets_at=none']));

    // A plain resume is refused in one line (and in --json); the daemon stays paused.
    const refusedText = await millrace(['resume', '-w', ws.root]);
    expect(refusedText.exitCode).toBe(0);
    expect(refusedText.stdout.split('\n')).toContain('refused: usage governance pause kept: session-cap (daemon session): tokens 2,200/2,000; `millrace resume --force` overrides it');
    await waitFor(() => readdirSync(join(ws.runtime, 'state', 'mailbox', 'incoming')).length === 0, 'the resume to be drained');
    expect(snapshotOf(ws.runtime)).toMatchObject({ pause_sources: ['usage_governance'], active_stage: 'updater' });
    const refused = JSON.parse((await millrace(['resume', '-w', ws.root, '--json'])).stdout) as JsonSuccess<ControlResult>;
    expect(refused.result.usage_governance).toBe('usage governance pause kept: session-cap (daemon session): tokens 2,200/2,000; `millrace resume --force` overrides it');

    const forced = await millrace(['resume', '--force', '-w', ws.root]);
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).not.toContain('refused');
    await waitFor(() => mdIn(join(ws.runtime, 'tasks', 'done')).length === 2, 'both tasks to finish past the overridden limit', 120_000);
    const json = await statusJson(ws.root);
    expect(json.usage_governance).toMatchObject({ paused: false, blockers: [], overridden_limit_ids: ['session-cap'] });
    expect(readEvents(ws.runtime).filter((e) => e.event_type === 'usage_governance_paused')).toHaveLength(1);
    expect(readEvents(ws.runtime).find((e) => e.event_type === 'usage_governance_resumed')?.data).toEqual({ reason: 'operator_forced', overridden_limits: ['session-cap'] });
    run.kill('SIGTERM');
    await run;
  });

  it('a per-item limit blocks the item that reached it (failure class usage_budget_exceeded); other items go on', async () => {
    const ws = await budgetWorkspace(
      ['[usage_governance]', 'enabled = true', '[usage_governance.runtime_token_rules]', 'enabled = false', '[[usage_governance.limits]]', 'id = "item-cap"', 'window = "per_item"', 'max_tokens = 3000', ''].join('\n'),
      { checker: ['FIX_NEEDED'] },
    );
    writeTask(ws.runtime, 'task-001');
    writeTask(ws.runtime, 'task-002');
    // task-001: builder, checker (FIX_NEEDED), fixer -> 3,300 tokens, blocked instead of the doublechecker.
    // task-002: builder, checker, updater -> 3,300 tokens but done: nothing left to block.
    const r = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '6'], { timeout: 180_000 });
    expect(r.exitCode).toBe(0);
    expect(mdIn(join(ws.runtime, 'tasks', 'blocked'))).toEqual(['task-001.md']);
    expect(mdIn(join(ws.runtime, 'tasks', 'done'))).toEqual(['task-002.md']);
    const events = readEvents(ws.runtime);
    const blocked = events.find((e) => e.event_type === 'usage_budget_item_blocked');
    expect(blocked?.data).toMatchObject({ work_item_kind: 'task', work_item_id: 'task-001', stage: 'fixer', reason: 'usage_budget_exceeded:item-cap', limits: [expect.objectContaining({ id: 'item-cap', used_tokens: 3300, max_tokens: 3000 })] });
    expect(events.find((e) => e.event_type === 'router_decision' && e.data.work_item_id === 'task-001' && e.data.action === 'blocked')?.data).toMatchObject({ failure_class: 'usage_budget_exceeded', reason: 'usage_budget_exceeded:item-cap' });
    expect(snapshotOf(ws.runtime).pause_sources).toEqual([]);
    expect(r.stdout).toContain('budget: task:task-001 blocked (item-cap tokens 3300/3000)');
  });
});
