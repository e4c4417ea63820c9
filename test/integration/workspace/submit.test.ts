import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MailboxEnvelopeSchema } from '../../../src/contracts/mailbox.js';
import { acquireLock, releaseLock } from '../../../src/workspace/state/lock.js';
import { submitIdea, submitWorkDocument } from '../../../src/workspace/queue/index.js';
import { snapshotTree, withQueueWorkspace, writeText } from '../../support/queue-workspace.js';

const intake = { now: new Date('2026-04-15T12:00:00Z'), actor: 'operator' };
const TASK = '# Fix typo\nTask-ID: fix-typo\nTarget-Paths: README.md\nAcceptance: typo gone\nRequired-Checks: none\nReferences: README.md\nRisk: none\n';

describe('submitWorkDocument / submitIdea routing', () => {
  it('enqueues directly when no daemon owns the workspace', () =>
    withQueueWorkspace(async (paths) => {
      await writeText(join(paths.workspaceRoot, 'fix-typo.md'), TASK);
      expect(await submitWorkDocument(paths, 'task', join(paths.workspaceRoot, 'fix-typo.md'), intake)).toEqual({ mode: 'direct', id: 'fix-typo', path: join(paths.tasks.queue, 'fix-typo.md') });
    }));

  it('hands validated documents and ideas to the mailbox while a live daemon holds the lock', () =>
    withQueueWorkspace(async (paths) => {
      await writeText(join(paths.workspaceRoot, 'fix-typo.md'), TASK);
      await writeText(join(paths.workspaceRoot, 'auth.md'), '# Auth\n');
      const { record } = await acquireLock(paths, intake.now); // this test process is the live owner
      try {
        const task = await submitWorkDocument(paths, 'task', join(paths.workspaceRoot, 'fix-typo.md'), intake);
        expect(task).toMatchObject({ mode: 'mailbox', action: 'add_task', applied: false, detail: 'queued for daemon processing' });
        const envelope = MailboxEnvelopeSchema.parse(JSON.parse(await readFile((task as { mailbox_path: string }).mailbox_path, 'utf8')));
        expect(envelope).toMatchObject({ command: 'add_task', issuer: 'operator', payload: { document: { task_id: 'fix-typo', created_at: '2026-04-15T12:00:00Z', acceptance: ['typo gone'] } } });
        const idea = await submitIdea(paths, join(paths.workspaceRoot, 'auth.md'), intake);
        expect(idea).toMatchObject({ mode: 'mailbox', action: 'add_idea' });
        expect(Object.keys(await snapshotTree(paths.runtimeRoot)).filter((p) => p.startsWith('tasks/'))).toEqual([]);

        await writeText(join(paths.workspaceRoot, 'bad.md'), '# Bad\nTask-ID: bad\n');
        const before = await snapshotTree(paths.runtimeRoot);
        await expect(submitWorkDocument(paths, 'task', join(paths.workspaceRoot, 'bad.md'), intake)).rejects.toMatchObject({ code: 'DOCUMENT_INVALID' });
        expect(await snapshotTree(paths.runtimeRoot)).toEqual(before);
      } finally {
        await releaseLock(paths, record.owner_session_id);
      }
    }));
});
