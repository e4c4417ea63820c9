import { RecoveryCountersSchema, RuntimeSnapshotSchema } from '../../../src/contracts/runtime-state.js';
import { bootstrapFiles } from '../../../src/workspace/init/bootstrap-files.js';

describe('bootstrap files', () => {
  it('the bootstrap snapshot and counters satisfy the runtime state contracts', () => {
    const files = new Map(bootstrapFiles(new Date('2026-04-15T12:00:00Z')).map((f) => [f.path, f.content]));
    const snapshot = RuntimeSnapshotSchema.parse(JSON.parse(files.get('state/runtime_snapshot.json')!));
    expect(snapshot.updated_at).toBe('2026-04-15T12:00:00.000Z');
    expect(RecoveryCountersSchema.parse(JSON.parse(files.get('state/recovery_counters.json')!)).entries).toEqual([]);
  });

  it('status files are a single IDLE marker line and every path is runtime-root-relative', () => {
    const files = bootstrapFiles(new Date(0));
    expect(files.filter((f) => f.path.endsWith('_status.md')).map((f) => f.content)).toEqual(['### IDLE\n', '### IDLE\n', '### IDLE\n']);
    expect(files.every((f) => !f.path.startsWith('/') && !f.path.startsWith('millrace-agents'))).toBe(true);
  });
});
