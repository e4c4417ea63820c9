import { UsageRecordSchema, type UsageRecord } from '../../contracts/usage.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { appendLine } from './append-line.js';
import { parseJsonLines } from './json-lines.js';
import { REPAIR_HINT } from './read-json.js';
import { readStateFile } from './state-file.js';

const LEDGER = 'millrace-agents/state/usage_ledger.jsonl';

/**
 * Append one record as one whole line through the log appender (never blocks on a FIFO, never appends through a link,
 * cuts a failed append back). Runtime only.
 */
export function appendUsageRecord(paths: WorkspacePaths, record: UsageRecord): void {
  appendLine(paths.usageLedger, `${JSON.stringify(UsageRecordSchema.parse(record))}\n`);
}

/** Every record, oldest first. A torn line (writer killed mid-append) is skipped; an invalid one names its line. */
export async function readUsageLedger(paths: WorkspacePaths): Promise<UsageRecord[]> {
  const read = readStateFile(paths.usageLedger, paths.workspaceRoot, 'usage ledger');
  if (read.kind === 'refused') throw new MillraceError('WORKSPACE_STATE_INVALID', `${LEDGER}: ${read.reason}`, { file: LEDGER, hint: REPAIR_HINT });
  const parsed = parseJsonLines(read.kind === 'text' ? read.text : '', UsageRecordSchema);
  if (!parsed.ok) {
    throw new MillraceError('WORKSPACE_STATE_INVALID', `${LEDGER}: line ${parsed.line}: ${parsed.issue?.path.join('.') || '(root)'}: ${parsed.issue?.message ?? 'invalid record'}`, { file: LEDGER, hint: REPAIR_HINT });
  }
  return parsed.records;
}
