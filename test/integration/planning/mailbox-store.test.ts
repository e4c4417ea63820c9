import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MailboxArchiveSchema } from '../../../src/contracts/mailbox.js';
import { buildMailboxEnvelope, drainMailbox, mailboxFileName, writeMailboxCommand } from '../../../src/workspace/mailbox/index.js';
import { withTempDir } from './temp-dir.js';

const now = () => '2026-01-01T00:00:00.000Z';
const ls = (dir: string) => readdir(dir).catch(() => [] as string[]);

describe('mailbox store', () => {
  it('names files after the command id', () => {
    expect(mailboxFileName('pause-1776254400000-1a2b3c4d')).toBe('pause-1776254400000-1a2b3c4d.json');
    expect(mailboxFileName('..a b/c..')).toBe('a_b_c.json');
    expect(() => mailboxFileName('...')).toThrow(/empty file name/);
  });

  it('writes an envelope atomically and refuses to overwrite one', async () => {
    await withTempDir(async (paths) => {
      const envelope = buildMailboxEnvelope('pause', {}, new Date(0));
      const file = await writeMailboxCommand(paths, envelope);
      expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(envelope);
      await expect(writeMailboxCommand(paths, envelope)).rejects.toMatchObject({ code: 'FAILED', message: expect.stringContaining('unable to enqueue pause control command') });
      expect(await ls(paths.mailbox.incoming)).toEqual([file.split('/').pop()]);
    });
  });

  it('drains in file-name order, archives each with its outcome and keeps going after a failure', async () => {
    await withTempDir(async (paths) => {
      const a = { ...buildMailboxEnvelope('pause', {}, new Date(0)), command_id: 'a-pause' };
      const b = { ...buildMailboxEnvelope('stop', {}, new Date(0)), command_id: 'b-stop' };
      const c = { ...buildMailboxEnvelope('resume', {}, new Date(0)), command_id: 'c-resume' };
      for (const e of [c, a, b]) await writeMailboxCommand(paths, e);
      await writeFile(join(paths.mailbox.incoming, 'd-broken.json'), '{"kind":"mailbox_command","command":"explode"}');
      await writeFile(join(paths.mailbox.incoming, 'e-notjson.json'), '{');
      await mkdir(join(paths.mailbox.incoming, 'f-dir.json'));

      const seen: string[] = [];
      const outcomes = await drainMailbox(paths, async (e) => {
        seen.push(e.command);
        if (e.command === 'stop') throw new Error('stop refused');
        return { applied: true };
      }, now);

      expect(seen).toEqual(['pause', 'stop', 'resume']);
      expect(outcomes.map((o) => [o.file, o.disposition])).toEqual([
        ['a-pause.json', 'processed'],
        ['b-stop.json', 'failed'],
        ['c-resume.json', 'processed'],
        ['d-broken.json', 'failed'],
        ['e-notjson.json', 'failed'],
      ]);
      expect(await ls(paths.mailbox.incoming)).toEqual(['f-dir.json']);
      expect(await ls(paths.mailbox.processed)).toEqual(['a-pause.json', 'c-resume.json']);

      const processed = MailboxArchiveSchema.parse(JSON.parse(await readFile(join(paths.mailbox.processed, 'a-pause.json'), 'utf8')));
      expect(processed).toMatchObject({ disposition: 'processed', envelope: a, result: { applied: true }, archived_at: now() });
      const failed = MailboxArchiveSchema.parse(JSON.parse(await readFile(join(paths.mailbox.failed, 'b-stop.json'), 'utf8')));
      expect(failed).toMatchObject({ disposition: 'failed', envelope: b, error: 'stop refused' });
      const broken = MailboxArchiveSchema.parse(JSON.parse(await readFile(join(paths.mailbox.failed, 'd-broken.json'), 'utf8')));
      expect(broken.error).toMatch(/d-broken\.json/);
      expect(broken.raw_payload).toContain('explode');
    });
  });

  it('leaves commands that arrive during a drain for the next drain', async () => {
    await withTempDir(async (paths) => {
      await writeMailboxCommand(paths, { ...buildMailboxEnvelope('pause', {}, new Date(0)), command_id: 'a' });
      const first = await drainMailbox(paths, async () => {
        await writeMailboxCommand(paths, { ...buildMailboxEnvelope('resume', {}, new Date(0)), command_id: 'b' });
      }, now);
      expect(first.map((o) => o.file)).toEqual(['a.json']);
      const second = await drainMailbox(paths, async () => undefined, now);
      expect(second.map((o) => o.file)).toEqual(['b.json']);
    });
  });
});
