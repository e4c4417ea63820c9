import { MillraceError } from '../../errors/index.js';

/** `<command_id>.json` with every character outside `[A-Za-z0-9._-]` replaced by `_` (control-and-inspection.md §3). */
export function mailboxFileName(commandId: string): string {
  const stem = commandId.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+|\.+$/g, '');
  if (stem === '') throw new MillraceError('ENVELOPE_INVALID', `mailbox command id ${JSON.stringify(commandId)} gives an empty file name`, { field: 'command_id' });
  return `${stem}.json`;
}
