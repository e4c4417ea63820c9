import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One `{"at","kind","reason"}` line (keys sorted) in `<queue folder>/<id>.requeue.jsonl` (documents.md §7). */
export async function appendRequeueLog(queueDir: string, kind: string, id: string, reason: string, now: Date): Promise<void> {
  const path = join(queueDir, `${id}.requeue.jsonl`);
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify({ at: now.toISOString(), kind, reason: reason.trim() })}\n`, 'utf8');
}
