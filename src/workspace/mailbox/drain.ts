import { readdir, stat, unlink } from 'node:fs/promises';
import { readBoundedTextSync } from '../bounded-read.js';
import { parseEnvelopeText } from './parse-envelope.js';
import { join } from 'node:path';
import { writeJsonFileAtomic } from '../state/atomic-write.js';
import type { MailboxArchive, MailboxEnvelope } from '../../contracts/mailbox.js';
import type { WorkspacePaths } from '../paths.js';

export type MailboxHandler = (envelope: MailboxEnvelope) => Promise<Record<string, unknown> | void>;

export type MailboxDrainOutcome = {
  file: string;
  disposition: 'processed' | 'failed';
  command: MailboxEnvelope['command'] | null;
  command_id: string | null;
  error: string | null;
  archive_path: string;
};

/** Regular `*.json` files in `incoming/`, in file-name order. */
export async function listIncomingMailbox(paths: WorkspacePaths): Promise<string[]> {
  const names = (await readdir(paths.mailbox.incoming).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const files: string[] = [];
  for (const name of names) {
    const s = await stat(join(paths.mailbox.incoming, name)).catch(() => null);
    if (s?.isFile()) files.push(name);
  }
  return files;
}

type ParsedEnvelope = { ok: true; envelope: MailboxEnvelope } | { ok: false; error: string; raw: string };

function parseEnvelope(file: string, text: string): ParsedEnvelope {
  try {
    return { ok: true, envelope: parseEnvelopeText(text, file) };
  } catch (error) {
    return { ok: false, error: (error as Error).message, raw: text };
  }
}

/**
 * Apply every command present now, in order; each is archived to `processed/` or `failed/` with its
 * outcome before the incoming file is removed. A failing handler does not stop the drain.
 * Files that arrive meanwhile are left for the next drain.
 */
export async function drainMailbox(paths: WorkspacePaths, handle: MailboxHandler, now: () => string): Promise<MailboxDrainOutcome[]> {
  const outcomes: MailboxDrainOutcome[] = [];
  for (const name of await listIncomingMailbox(paths)) {
    const source = join(paths.mailbox.incoming, name);
    let parsed: ParsedEnvelope;
    try {
      const text = readBoundedTextSync(source, 'mailbox envelope', { code: 'ENVELOPE_INVALID', noFollow: true })?.text;
      if (text === undefined) continue;
      parsed = parseEnvelope(source, text);
    } catch (error) {
      parsed = { ok: false, error: (error as Error).message, raw: '' }; // too large or not a regular file: never loaded
    }
    let archive: MailboxArchive;
    if (!parsed.ok) {
      archive = { schema_version: '1.0', kind: 'mailbox_archive', disposition: 'failed', archived_at: now(), error: parsed.error, raw_payload: parsed.raw };
    } else {
      try {
        const result = (await handle(parsed.envelope)) ?? {};
        archive = { schema_version: '1.0', kind: 'mailbox_archive', disposition: 'processed', archived_at: now(), envelope: parsed.envelope, result };
      } catch (error) {
        archive = { schema_version: '1.0', kind: 'mailbox_archive', disposition: 'failed', archived_at: now(), envelope: parsed.envelope, result: {}, error: error instanceof Error ? error.message : String(error) };
      }
    }
    const archivePath = join(archive.disposition === 'processed' ? paths.mailbox.processed : paths.mailbox.failed, name);
    await writeJsonFileAtomic(archivePath, archive);
    await unlink(source).catch(() => undefined);
    outcomes.push({
      file: name,
      disposition: archive.disposition,
      command: parsed.ok ? parsed.envelope.command : null,
      command_id: parsed.ok ? parsed.envelope.command_id : null,
      error: archive.error ?? null,
      archive_path: archivePath,
    });
  }
  return outcomes;
}
