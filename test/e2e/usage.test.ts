import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { UsageResult } from '../../src/views/usage.js';
import { createRuntimeWorkspace, millrace, writeTask } from '../support/runtime-workspace.js';

jest.setTimeout(180_000);

describe('usage ledger and millrace usage (real daemon, command runner)', () => {
  it('records one line per stage run from the usage file the agent writes, priced from config, and groups it', async () => {
    const ws = await createRuntimeWorkspace({ extraToml: '[usage_prices."wrapped-model"]\ninput_usd_per_mtok = 3.0\noutput_usd_per_mtok = 15.0\n' });
    const toml = join(ws.runtime, 'millrace.toml');
    const usage = JSON.stringify({ model: 'wrapped-model', input_tokens: 1000, cached_input_tokens: 400, output_tokens: 100 });
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_USAGE = ${JSON.stringify(usage)}, FAKE_AGENT_SCRIPT`));
    writeTask(ws.runtime, 'task-001');
    writeTask(ws.runtime, 'task-002');
    const run = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '3', '--json'], { timeout: 120_000 });
    expect(run.exitCode).toBe(0);

    const ledger = readFileSync(join(ws.runtime, 'state', 'usage_ledger.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ledger.map((r) => [r.stage, r.work_item_id, r.runner_name, r.model_name])).toEqual([
      ['builder', 'task-001', 'command', 'wrapped-model'],
      ['checker', 'task-001', 'command', 'wrapped-model'],
      ['updater', 'task-001', 'command', 'wrapped-model'],
    ]);
    // no cached price configured: cached input is billed at the input price; 1000 x $3 + 100 x $15 per million
    expect(ledger[0]).toMatchObject({ schema_version: '1.0', kind: 'usage_record', plane: 'execution', cost_usd: 0.0045, cost_source: 'price_table', terminal_result: 'BUILDER_COMPLETE', failure_class: null });
    expect(ledger[0]?.token_usage).toEqual({ input_tokens: 1000, cached_input_tokens: 400, cache_write_input_tokens: 0, output_tokens: 100, thinking_tokens: 0, total_tokens: 1100 });

    const byStage = await millrace(['usage', '-w', ws.root]);
    expect(byStage.exitCode).toBe(0);
    expect(byStage.stdout.split('\n')).toEqual([
      'STAGE              RUNS  INPUT  CACHED  OUTPUT  REASONING  TOTAL     COST',
      'execution/builder     1  1,000     400     100          0  1,100  $0.0045',
      'execution/checker     1  1,000     400     100          0  1,100  $0.0045',
      'execution/updater     1  1,000     400     100          0  1,100  $0.0045',
      'TOTAL                 3  3,000   1,200     300          0  3,300  $0.0135',
    ]);
    const byItem = JSON.parse((await millrace(['usage', '-w', ws.root, '--by', 'item', '--json'])).stdout) as JsonSuccess<UsageResult>;
    expect(byItem.result).toMatchObject({ group_by: 'item', since: null, rows: [{ key: 'task:task-001', runs: 3, total_tokens: 3300, cost_usd: 0.0135, unpriced_runs: 0 }], total: { runs: 3 } });
    const future = await millrace(['usage', '-w', ws.root, '--since', '2999-01-01']);
    expect(future.stdout.trim()).toBe('no usage recorded since 2999-01-01T00:00:00.000Z');
    const recent = JSON.parse((await millrace(['usage', '-w', ws.root, '--by', 'day', '--since', '1h', '--json'])).stdout) as JsonSuccess<UsageResult>;
    expect(recent.result.rows).toEqual([expect.objectContaining({ key: new Date().toISOString().slice(0, 10), runs: 3 })]);
    const status = await millrace(['status', '-w', ws.root]);
    expect(status.stdout.split('\n')).toEqual(expect.arrayContaining(['usage_session: none', 'usage_today: 3,300 tokens, $0.0135, 3 runs', 'usage_all_time: 3,300 tokens, $0.0135, 3 runs']));
    const statusJson = JSON.parse((await millrace(['status', '-w', ws.root, '--json'])).stdout) as JsonSuccess<{ usage: { session: null; today: { total_tokens: number }; all_time: { runs: number; cost_usd: number } } }>;
    expect(statusJson.result.usage).toMatchObject({ session: null, today: { total_tokens: 3300 }, all_time: { runs: 3, cost_usd: 0.0135 } });
    const bad = await millrace(['usage', '-w', ws.root, '--since', 'yesterday']);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('--since: expected an ISO date/time or a span like 90m, 12h, 7d; got "yesterday"');
  });

  it('names the file and line of a corrupt ledger record', async () => {
    const ws = await createRuntimeWorkspace();
    writeFileSync(join(ws.runtime, 'state', 'usage_ledger.jsonl'), '{"schema_version":"1.0","kind":"usage_record"}\n');
    const r = await millrace(['usage', '-w', ws.root]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/millrace-agents\/state\/usage_ledger\.jsonl: line 1: /);
  });
});
