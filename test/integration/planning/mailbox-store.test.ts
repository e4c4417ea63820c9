import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MailboxArchiveSchema, MailboxFailureSchema } from '../../../src/contracts/mailbox.js';
import { buildMailboxEnvelope, drainMailbox, mailboxFileName, writeMailboxCommand } from '../../../src/workspace/mailbox/index.js';
import { INPUT_SIZE_LIMITS } from '../../../src/contracts/input-limits.js';
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

  it('drains in file-name order, archives applied commands, moves every other one unchanged to failed/ with a reason, and keeps going', async () => {
    await withTempDir(async (paths) => {
      const a = { ...buildMailboxEnvelope('pause', {}, new Date(0)), command_id: 'a-pause' };
      const b = { ...buildMailboxEnvelope('stop', {}, new Date(0)), command_id: 'b-stop' };
      const c = { ...buildMailboxEnvelope('resume', {}, new Date(0)), command_id: 'c-resume' };
      for (const e of [c, a, b]) await writeMailboxCommand(paths, e);
      const brokenText = '{"kind":"mailbox_command","command":"explode"}';
      await writeFile(join(paths.mailbox.incoming, 'd-broken.json'), brokenText);
      await writeFile(join(paths.mailbox.incoming, 'e-notjson.json'), '{');
      await mkdir(join(paths.mailbox.incoming, 'f-dir.json'));
      const outside = join(paths.workspaceRoot, '..', `outside-${process.pid}.json`);
      await writeFile(outside, JSON.stringify({ ...b, command_id: 'outside' }));
      await symlink(outside, join(paths.mailbox.incoming, 'g-link.json'));
      execFileSync('mkfifo', [join(paths.mailbox.incoming, 'h-fifo.json')]);
      await writeFile(join(paths.mailbox.incoming, 'i-huge.json'), ' '.repeat(INPUT_SIZE_LIMITS['mailbox envelope'] + 1));
      const bText = await readFile(join(paths.mailbox.incoming, 'b-stop.json'));

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
        ['f-dir.json', 'failed'],
        ['g-link.json', 'failed'],
        ['h-fifo.json', 'failed'],
        ['i-huge.json', 'failed'],
      ]);
      expect(await ls(paths.mailbox.incoming)).toEqual([]);
      expect(await ls(paths.mailbox.processed)).toEqual(['a-pause.json', 'c-resume.json']);

      const processed = MailboxArchiveSchema.parse(JSON.parse(await readFile(join(paths.mailbox.processed, 'a-pause.json'), 'utf8')));
      expect(processed).toMatchObject({ disposition: 'processed', envelope: a, result: { applied: true }, archived_at: now() });
      // Failed envelopes are renamed, never rewritten: the same bytes, the same file type.
      expect(await readFile(join(paths.mailbox.failed, 'b-stop.json'))).toEqual(bText);
      expect(await readFile(join(paths.mailbox.failed, 'd-broken.json'), 'utf8')).toBe(brokenText);
      expect((await lstat(join(paths.mailbox.failed, 'f-dir.json'))).isDirectory()).toBe(true);
      expect((await lstat(join(paths.mailbox.failed, 'g-link.json'))).isSymbolicLink()).toBe(true);
      expect((await lstat(join(paths.mailbox.failed, 'h-fifo.json'))).isFIFO()).toBe(true);
      expect(await readFile(outside, 'utf8')).toContain('outside');
      const reason = async (name: string) => MailboxFailureSchema.parse(JSON.parse(await readFile(join(paths.mailbox.failed, `${name}.reason.json`), 'utf8')));
      expect(await reason('b-stop.json')).toMatchObject({ reason: 'apply_failed', error: 'stop refused', command: 'stop', command_id: 'b-stop', envelope_file: 'b-stop.json', failed_at: now() });
      expect(await reason('d-broken.json')).toMatchObject({ reason: 'invalid', error: expect.stringMatching(/d-broken\.json/), command: null });
      expect(await reason('e-notjson.json')).toMatchObject({ reason: 'invalid', error: expect.stringMatching(/invalid JSON/) });
      expect(await reason('f-dir.json')).toMatchObject({ reason: 'not_a_regular_file', error: expect.stringMatching(/a directory$/) });
      expect(await reason('g-link.json')).toMatchObject({ reason: 'not_a_regular_file', error: expect.stringMatching(/a symbolic link$/) });
      expect(await reason('h-fifo.json')).toMatchObject({ reason: 'not_a_regular_file', error: expect.stringMatching(/a FIFO$/) });
      expect(await reason('i-huge.json')).toMatchObject({ reason: 'too_large', error: expect.stringMatching(/larger than the 2 MiB limit for a mailbox envelope/) });
      await rm(outside);
    });
  });

  it('moves an envelope that keeps killing the daemon while it is applied to failed/ instead of trying it forever', async () => {
    await withTempDir(async (paths) => {
      await writeMailboxCommand(paths, { ...buildMailboxEnvelope('pause', {}, new Date(0)), command_id: 'a-deadly' });
      // Three earlier drains started applying it and never finished (the daemon died each time).
      await writeFile(join(paths.state, 'mailbox', 'applying.json'), JSON.stringify({ schema_version: '1.0', kind: 'mailbox_applying', file: 'a-deadly.json', attempts: 3 }));
      const seen: string[] = [];
      const outcomes = await drainMailbox(paths, async (e) => void seen.push(e.command_id), now);
      expect(seen).toEqual([]);
      expect(outcomes).toMatchObject([{ file: 'a-deadly.json', disposition: 'failed', command_id: 'a-deadly' }]);
      expect(JSON.parse(await readFile(join(paths.mailbox.failed, 'a-deadly.json.reason.json'), 'utf8'))).toMatchObject({ reason: 'interrupted_while_applying' });
      expect(await ls(join(paths.state, 'mailbox'))).not.toContain('applying.json');
      // One interrupted attempt is simply retried.
      await writeMailboxCommand(paths, { ...buildMailboxEnvelope('pause', {}, new Date(0)), command_id: 'b-retried' });
      await writeFile(join(paths.state, 'mailbox', 'applying.json'), JSON.stringify({ schema_version: '1.0', kind: 'mailbox_applying', file: 'b-retried.json', attempts: 1 }));
      expect((await drainMailbox(paths, async (e) => void seen.push(e.command_id), now)).map((o) => o.disposition)).toEqual(['processed']);
      expect(seen).toEqual(['b-retried']);
    });
  });

  it('gives command ids that sort in the order they were issued, whatever the command', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const ids = [buildMailboxEnvelope('resume', {}, at), buildMailboxEnvelope('pause', {}, at), buildMailboxEnvelope('add_task', { document: {} }, new Date(at.getTime() - 5)), buildMailboxEnvelope('clear_stale_state', { reason: '' }, at)].map((e) => e.command_id);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^\d{13}-\d{6}-resume-[0-9a-f]{8}$/);
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
