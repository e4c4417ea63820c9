import { link, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempPathFor, writeFailure } from '@millrace/plugin-api';
import { MailboxEnvelopeSchema, type MailboxEnvelope } from '../../contracts/mailbox.js';
import { errorFromIssues, MillraceError } from '../../errors/index.js';
import type { WorkspacePaths } from '../paths.js';
import { mailboxFileName } from './file-name.js';
import { parseEnvelopeText } from './parse-envelope.js';

/**
 * Put one command into `state/mailbox/incoming/`. The file appears complete or not at all
 * (temp file + hard link), and an existing file of the same name is never overwritten.
 */
export async function writeMailboxCommand(paths: WorkspacePaths, envelope: MailboxEnvelope): Promise<string> {
  const parsed = MailboxEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw errorFromIssues('ENVELOPE_INVALID', 'mailbox envelope', parsed.error.issues);
  const destination = join(paths.mailbox.incoming, mailboxFileName(envelope.command_id));
  const text = `${JSON.stringify(parsed.data, null, 2)}\n`;
  // What the daemon could not read back is refused here, before anything is written.
  parseEnvelopeText(text, `mailbox envelope ${envelope.command}`);
  await mkdir(paths.mailbox.incoming, { recursive: true });
  const tmp = tempPathFor(destination);
  try {
    await writeFile(tmp, text, 'utf8');
    await link(tmp, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MillraceError('FAILED', `unable to enqueue ${envelope.command} control command: ${destination} already exists`, { file: destination });
    }
    throw writeFailure(error, destination);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return destination;
}
