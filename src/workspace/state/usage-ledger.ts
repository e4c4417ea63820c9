import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageRecordSchema, type UsageRecord } from '../../contracts/usage.js';
import { MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';

/** Append one record as one line with one `appendFile` (O_APPEND keeps a small line whole). Runtime only. */
export function appendUsageRecord(paths: WorkspacePaths, record: UsageRecord): void {
  const line = `${JSON.stringify(UsageRecordSchema.parse(record))}\n`;
  try {
    appendFileSync(paths.usageLedger, line, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(paths.usageLedger), { recursive: true });
    appendFileSync(paths.usageLedger, line, 'utf8');
  }
}

/** Every record, oldest first. A torn line (writer killed mid-append) is skipped; an invalid one names its line. */
export async function readUsageLedger(paths: WorkspacePaths): Promise<UsageRecord[]> {
  const text = await readFile(paths.usageLedger, 'utf8').catch(() => '');
  const records: UsageRecord[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = UsageRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MillraceError('WORKSPACE_STATE_INVALID', `millrace-agents/state/usage_ledger.jsonl: line ${index + 1}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid record'}`);
    }
    records.push(parsed.data);
  }
  return records;
}
