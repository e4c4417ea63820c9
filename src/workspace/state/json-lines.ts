import type * as z from 'zod';

export type JsonLinesParse<T> = { ok: true; records: T[] } | { ok: false; line: number; issue: z.core.$ZodIssue | undefined };

/**
 * Pure: the records of an append-only JSON Lines file, oldest first. Blank lines are ignored and a line that is not
 * JSON is skipped (torn by a writer killed mid-append, possibly merged with the next append); the first line that is
 * JSON but fails `schema` stops the parse and is reported with its 1-based number.
 */
export function parseJsonLines<T>(text: string, schema: z.ZodType<T>): JsonLinesParse<T> {
  const records: T[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return { ok: false, line: index + 1, issue: parsed.error.issues[0] };
    records.push(parsed.data);
  }
  return { ok: true, records };
}
