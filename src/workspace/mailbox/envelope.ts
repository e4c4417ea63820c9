import { randomBytes } from 'node:crypto';
import type { MailboxCommandName, MailboxEnvelope, MailboxEnvelopeOf } from '../../contracts/mailbox.js';

let issued = 0;
let lastMs = 0;

/**
 * `<epoch ms, 13 digits>-<per-process sequence, 6 digits>-<command>-<8 hex>`, the id the CLI gives the commands it
 * enqueues. Ids sort lexically in the order they were issued (time first, then this process's own sequence; the time
 * never goes back within a process), and the drain applies files in that order, whatever the command.
 */
export function newMailboxCommandId(command: MailboxCommandName, now: Date): string {
  lastMs = Math.max(lastMs, now.getTime());
  issued = (issued + 1) % 1_000_000;
  return `${String(lastMs).padStart(13, '0')}-${String(issued).padStart(6, '0')}-${command}-${randomBytes(4).toString('hex')}`;
}

export function buildMailboxEnvelope<C extends MailboxCommandName>(command: C, payload: MailboxEnvelopeOf<C>['payload'], now: Date, issuer = 'operator'): MailboxEnvelope {
  return {
    schema_version: '1.0',
    kind: 'mailbox_command',
    command_id: newMailboxCommandId(command, now),
    command,
    issued_at: now.toISOString(),
    issuer,
    payload,
  } as MailboxEnvelope;
}
