import { join } from 'node:path';
import { appendLine } from './append-line.js';

/** One `{"at","kind","reason"}` line (keys sorted) in `<queue folder>/<id>.requeue.jsonl` (documents.md §7). */
export async function appendRequeueLog(queueDir: string, kind: string, id: string, reason: string, now: Date): Promise<void> {
  appendLine(join(queueDir, `${id}.requeue.jsonl`), JSON.stringify({ at: now.toISOString(), kind, reason: reason.trim() }));
}
