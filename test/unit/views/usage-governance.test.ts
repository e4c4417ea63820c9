import { UsageGovernanceConfigSchema } from '../../../src/contracts/config.js';
import { bootstrapSnapshot, type LockInspection } from '../../../src/contracts/runtime-state.js';
import type { UsageRecord } from '../../../src/contracts/usage.js';
import { governanceView } from '../../../src/views/usage-governance.js';
import { usageRecord } from '../../support/usage-records.js';

const now = new Date();
const record = (tokens: number, workItemId: string): UsageRecord =>
  usageRecord(now.toISOString(), tokens, { run_id: `run-${workItemId}-${tokens}`, request_id: `request-${workItemId}-${tokens}`, work_item_id: workItemId });
const noLock: LockInspection = { state: 'absent', detail: 'no lock', record: null };
const governance = UsageGovernanceConfigSchema.parse({
  enabled: true,
  runtime_token_rules: { enabled: false },
  limits: [
    { id: 'burst', window: 'rolling', window_seconds: 60, max_tokens: 2000 },
    { id: 'per-task', window: 'per_item', max_tokens: 500 },
  ],
});

describe('governance view', () => {
  it('evaluates every limit from the ledger records its caller read (status reads the ledger once)', async () => {
    const view = await governanceView(Promise.resolve([record(1500, 'task-a'), record(700, 'task-b')]), bootstrapSnapshot(now), governance, noLock, [
      { work_item_kind: 'task', work_item_id: 'task-b' },
    ]);
    expect(view.budgets_error).toBeNull();
    expect(view.budgets.map((b) => [b.id, b.used_tokens, b.reached])).toEqual([
      ['burst', 2200, true],
      ['per-task', 700, true],
    ]);
  });

  it("names the ledger's failure, and does not wait for the ledger when no limit is configured", async () => {
    const failed = Promise.reject(new Error('usage ledger: line 2: kind: invalid'));
    failed.catch(() => undefined);
    const view = await governanceView(failed, bootstrapSnapshot(now), governance, noLock, []);
    expect(view).toMatchObject({ budgets: [], budgets_error: 'usage ledger: line 2: kind: invalid' });
    const never = new Promise<UsageRecord[]>(() => undefined);
    const unlimited = await governanceView(never, bootstrapSnapshot(now), UsageGovernanceConfigSchema.parse({}), noLock, []);
    expect(unlimited).toMatchObject({ enabled: false, budgets: [], budgets_error: null });
  });
});
