import type { Stats } from 'node:fs';
import { lstat, mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeJsonFileAtomic } from '../state/atomic-write.js';
import { readStateFile } from '../state/state-file.js';
import {
  MailboxApplyingSchema,
  type MailboxArchive,
  type MailboxEnvelope,
  type MailboxFailure,
  type MailboxFailureReason,
} from '../../contracts/mailbox.js';
import { MillraceError } from '../../errors/index.js';
import { sizeLimitMessage } from '../../contracts/input-limits.js';
import { readBoundedTextSync, refusalDetail } from '../bounded-read.js';
import { parseEnvelopeText } from './parse-envelope.js';
import type { WorkspacePaths } from '../paths.js';
import { listJsonNames } from '../folder-entries.js';

export type MailboxHandler = (envelope: MailboxEnvelope) => Promise<Record<string, unknown> | void>;

export type MailboxDrainOutcome = {
  file: string;
  disposition: 'processed' | 'failed';
  command: MailboxEnvelope['command'] | null;
  command_id: string | null;
  error: string | null;
  archive_path: string;
};

/** Applying an envelope may kill the daemon this many times before it is moved to `failed/` instead. */
const MAX_APPLY_ATTEMPTS = 3;

/**
 * `*.json` entries of `incoming/` (of any type: the drain moves what is not a regular file to `failed/`), by name.
 * Listed synchronously: the daemon looks at every tick, and the thread-pool round trip cost it more than the listing.
 */
export async function listIncomingMailbox(paths: WorkspacePaths): Promise<string[]> {
  return listJsonNames(paths.mailbox.incoming);
}

function describeType(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

type ReadEnvelope = { ok: true; envelope: MailboxEnvelope } | { ok: false; reason: MailboxFailureReason; error: string } | { ok: 'gone' };

/**
 * Read and parse one envelope within the limits (the bounded reader: regular files only, never blocking on a FIFO,
 * never following a symlink, never past the envelope size limit).
 */
function readEnvelope(source: string): ReadEnvelope {
  let text: string;
  try {
    const read = readBoundedTextSync(source, 'mailbox envelope', { code: 'ENVELOPE_INVALID', noFollow: true });
    if (read === undefined) return { ok: 'gone' };
    text = read.text;
  } catch (error) {
    const detail = error instanceof MillraceError ? refusalDetail(error) : '';
    const reason: MailboxFailureReason = detail === sizeLimitMessage('mailbox envelope') ? 'too_large' : /symbolic link|not a regular file/.test(detail) ? 'not_a_regular_file' : 'unreadable';
    return { ok: false, reason, error: (error as Error).message };
  }
  try {
    return { ok: true, envelope: parseEnvelopeText(text, source) };
  } catch (error) {
    return { ok: false, reason: 'invalid', error: (error as Error).message };
  }
}

/**
 * Move an envelope to `failed/` as it is (a rename: the bytes are never rewritten, and a FIFO, directory or symlink is
 * moved without being opened), after writing the sidecar `<name>.reason.json` that says why.
 */
async function moveToFailed(
  paths: WorkspacePaths,
  name: string,
  failure: { reason: MailboxFailureReason; error: string; envelope: MailboxEnvelope | null },
  now: () => string,
): Promise<string> {
  await mkdir(paths.mailbox.failed, { recursive: true });
  let target = join(paths.mailbox.failed, name);
  if (await lstat(target).then(() => true, () => false)) target = join(paths.mailbox.failed, `${name.slice(0, -'.json'.length)}-${randomBytes(4).toString('hex')}.json`);
  const sidecar: MailboxFailure = {
    schema_version: '1.0',
    kind: 'mailbox_failure',
    disposition: 'failed',
    failed_at: now(),
    envelope_file: target.slice(paths.mailbox.failed.length + 1),
    reason: failure.reason,
    error: failure.error,
    command: failure.envelope?.command ?? null,
    command_id: failure.envelope?.command_id ?? null,
  };
  await writeJsonFileAtomic(`${target}.reason.json`, sidecar);
  await rename(join(paths.mailbox.incoming, name), target);
  return target;
}

async function readApplying(paths: WorkspacePaths): Promise<{ file: string; attempts: number } | null> {
  const read = readStateFile(join(paths.mailbox.incoming, '..', 'applying.json'), paths.workspaceRoot);
  if (read.kind !== 'text') return null;
  const text = read.text;
  try {
    const parsed = MailboxApplyingSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Apply every command present now, in file-name order (the order they were issued). A command that was applied is
 * archived to `processed/` with its result; one that cannot be read, parsed, validated or applied is moved unchanged
 * to `failed/` with a reason sidecar. Neither stops the drain, and an envelope that killed the daemon while it was
 * being applied is tried at most three times. Files that arrive meanwhile are left for the next drain.
 */
export async function drainMailbox(paths: WorkspacePaths, handle: MailboxHandler, now: () => string): Promise<MailboxDrainOutcome[]> {
  const outcomes: MailboxDrainOutcome[] = [];
  for (const name of await listIncomingMailbox(paths)) {
    try {
      await drainOne(paths, name, handle, now, outcomes);
    } catch (error) {
      // Even moving it failed (e.g. a full disk): the envelope stays for a later drain, and the daemon goes on.
      const message = error instanceof Error ? error.message : String(error);
      outcomes.push({ file: name, disposition: 'failed', command: null, command_id: null, error: message, archive_path: join(paths.mailbox.incoming, name) });
    }
  }
  return outcomes;
}

async function drainOne(paths: WorkspacePaths, name: string, handle: MailboxHandler, now: () => string, outcomes: MailboxDrainOutcome[]): Promise<void> {
  const applyingPath = join(paths.mailbox.incoming, '..', 'applying.json');
  const source = join(paths.mailbox.incoming, name);
  const stats = await lstat(source).catch(() => null);
  if (!stats) return;
  const fail = async (reason: MailboxFailureReason, error: string, envelope: MailboxEnvelope | null) => {
    const archivePath = await moveToFailed(paths, name, { reason, error, envelope }, now);
    outcomes.push({ file: name, disposition: 'failed', command: envelope?.command ?? null, command_id: envelope?.command_id ?? null, error, archive_path: archivePath });
  };
  if (!stats.isFile()) {
    await fail('not_a_regular_file', `${source}: ${describeType(stats)}`, null);
    return;
  }
  const read = readEnvelope(source);
  if (read.ok === 'gone') return;
  if (!read.ok) {
    await fail(read.reason, read.error, null);
    return;
  }
  const parsed = read;
  const previous = await readApplying(paths);
  const attempts = previous?.file === name ? previous.attempts + 1 : 1;
  if (attempts > MAX_APPLY_ATTEMPTS) {
    await fail('interrupted_while_applying', `${source}: the daemon stopped ${previous?.attempts ?? 0} times while applying it`, parsed.envelope);
    await unlink(applyingPath).catch(() => undefined);
    return;
  }
  await writeJsonFileAtomic(applyingPath, { schema_version: '1.0', kind: 'mailbox_applying', file: name, attempts });
  let result: Record<string, unknown>;
  try {
    result = (await handle(parsed.envelope)) ?? {};
  } catch (error) {
    await fail('apply_failed', error instanceof Error ? error.message : String(error), parsed.envelope);
    await unlink(applyingPath).catch(() => undefined);
    return;
  }
  const archive: MailboxArchive = { schema_version: '1.0', kind: 'mailbox_archive', disposition: 'processed', archived_at: now(), envelope: parsed.envelope, result };
  const archivePath = join(paths.mailbox.processed, name);
  await writeJsonFileAtomic(archivePath, archive);
  await unlink(source).catch(() => undefined);
  await unlink(applyingPath).catch(() => undefined);
  outcomes.push({ file: name, disposition: 'processed', command: parsed.envelope.command, command_id: parsed.envelope.command_id, error: null, archive_path: archivePath });
}
