import { RecoveryCountersSchema, emptyRecoveryCounters, type RecoveryCounters } from '../../contracts/runtime-state.js';
import { errorFromIssues } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { writeTextAtomic } from './atomic-write.js';
import { replacedFileKey } from './file-identity.js';
import { readJsonFile } from './read-json.js';

export async function readRecoveryCounters(paths: WorkspacePaths): Promise<RecoveryCounters> {
  return readJsonFile(paths.recoveryCounters, RecoveryCountersSchema, { workspaceRoot: paths.workspaceRoot, absent: emptyRecoveryCounters });
}

function countersText(counters: RecoveryCounters): string {
  const parsed = RecoveryCountersSchema.safeParse(counters);
  if (!parsed.success) throw errorFromIssues('INTERNAL', 'millrace-agents/state/recovery_counters.json', parsed.error.issues);
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

export async function writeRecoveryCounters(paths: WorkspacePaths, counters: RecoveryCounters): Promise<void> {
  await writeTextAtomic(paths.recoveryCounters, countersText(counters));
}


/**
 * The runtime's writer of `recovery_counters.json`: content it already wrote is not written again while the file is
 * still the one it wrote (a finished work item usually had no counters to drop, and each replacement costs a flush).
 */
export function createCountersWriter(paths: WorkspacePaths): (counters: RecoveryCounters) => Promise<void> {
  let written: { text: string; key: string } | null = null;
  return async (counters) => {
    const text = countersText(counters);
    if (written !== null && written.text === text && replacedFileKey(paths.recoveryCounters) === written.key) return;
    written = null;
    await writeTextAtomic(paths.recoveryCounters, text);
    const key = replacedFileKey(paths.recoveryCounters);
    if (key !== null) written = { text, key };
  };
}
