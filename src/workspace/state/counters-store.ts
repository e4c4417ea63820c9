import { RecoveryCountersSchema, emptyRecoveryCounters, type RecoveryCounters } from '../../contracts/runtime-state.js';
import { errorFromIssues } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { writeJsonFileAtomic } from './atomic-write.js';
import { readJsonFile } from './read-json.js';

export async function readRecoveryCounters(paths: WorkspacePaths): Promise<RecoveryCounters> {
  return readJsonFile(paths.recoveryCounters, RecoveryCountersSchema, { workspaceRoot: paths.workspaceRoot, absent: emptyRecoveryCounters });
}

export async function writeRecoveryCounters(paths: WorkspacePaths, counters: RecoveryCounters): Promise<void> {
  const parsed = RecoveryCountersSchema.safeParse(counters);
  if (!parsed.success) throw errorFromIssues('INTERNAL', 'millrace-agents/state/recovery_counters.json', parsed.error.issues);
  await writeJsonFileAtomic(paths.recoveryCounters, parsed.data);
}
