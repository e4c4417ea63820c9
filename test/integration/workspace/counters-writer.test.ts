import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyRecoveryCounters, type RecoveryCounters } from '../../../src/contracts/runtime-state.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { createCountersWriter, readRecoveryCounters } from '../../../src/workspace/state/counters-store.js';

// The runtime's counters writer skips content it already wrote, but never misses a change, its own or anyone else's.

describe('recovery counters writer', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-counters-'));
    mkdirSync(join(root, 'millrace-agents', 'state'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const withEntry = (count: number): RecoveryCounters => ({
    ...emptyRecoveryCounters(),
    entries: [{ failure_class: 'recoverable_failure', work_item_kind: 'task', work_item_id: 'task-001', troubleshoot_attempt_count: count, mechanic_attempt_count: 0, fix_cycle_count: 0, consultant_invocations: 0, last_updated_at: '2026-01-01T00:00:00.000Z' }],
  });

  it('leaves the file alone when the content is what it wrote last, and writes every change', async () => {
    const paths = workspacePaths(root);
    const write = createCountersWriter(paths);
    await write(withEntry(1));
    const first = statSync(paths.recoveryCounters);
    await write(withEntry(1));
    expect(statSync(paths.recoveryCounters).ino).toBe(first.ino);
    await write(withEntry(2));
    expect(statSync(paths.recoveryCounters).ino).not.toBe(first.ino);
    expect((await readRecoveryCounters(paths)).entries[0]!.troubleshoot_attempt_count).toBe(2);
  });

  it('writes again when another writer replaced or removed the file since', async () => {
    const paths = workspacePaths(root);
    const write = createCountersWriter(paths);
    await write(withEntry(1));
    writeFileSync(`${paths.recoveryCounters}.other`, `${JSON.stringify(emptyRecoveryCounters())}\n`);
    rmSync(paths.recoveryCounters);
    writeFileSync(paths.recoveryCounters, readFileSync(`${paths.recoveryCounters}.other`));
    await write(withEntry(1));
    expect((await readRecoveryCounters(paths)).entries).toHaveLength(1);
    rmSync(paths.recoveryCounters);
    await write(withEntry(1));
    expect((await readRecoveryCounters(paths)).entries).toHaveLength(1);
  });
});
