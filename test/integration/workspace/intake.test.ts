import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWorkDocument } from '../../../src/workspace/documents/index.js';
import { importIdea, importWorkDocument } from '../../../src/workspace/queue/index.js';
import { aSpec } from '../../support/work-documents.js';
import { snapshotTree, withQueueWorkspace, writeText } from '../../support/queue-workspace.js';

const intake = { now: new Date('2026-04-15T12:00:00Z'), actor: 'operator' };
const LABELLED = '# Fix typo\nTask-ID: fix-typo\nTarget-Paths: README.md\nAcceptance: typo gone\nRequired-Checks: none\nReferences: README.md\nRisk: none\n\nFree notes stay.\n';

describe('importWorkDocument', () => {
  it('stores a labelled task canonically, fills created_at/created_by, and keeps the original text as body', () =>
    withQueueWorkspace(async (paths) => {
      const file = join(paths.workspaceRoot, 'fix-typo.md');
      await writeText(file, LABELLED);
      const added = await importWorkDocument(paths, 'task', file, intake);
      expect(added).toEqual({ kind: 'task', state: 'queue', id: 'fix-typo', path: join(paths.tasks.queue, 'fix-typo.md') });
      const stored = await readFile(added.path, 'utf8');
      expect(stored.startsWith('---\ntask_id: fix-typo\ntitle: Fix typo\n')).toBe(true);
      const doc = parseWorkDocument('task', stored, 'fix-typo.md');
      expect(doc.fields).toMatchObject({ created_at: '2026-04-15T12:00:00Z', created_by: 'operator' });
      expect(doc.body).toBe(LABELLED.trimEnd());
    }));

  it('imports JSON specs and keeps given timestamps', () =>
    withQueueWorkspace(async (paths) => {
      const file = join(paths.workspaceRoot, 'spec.json');
      await writeText(file, JSON.stringify({ ...aSpec().fields, created_by: 'tests' }));
      const added = await importWorkDocument(paths, 'spec', file, intake);
      const doc = parseWorkDocument('spec', await readFile(added.path, 'utf8'), 'x.md');
      expect(doc.fields).toEqual({ ...aSpec().fields, created_by: 'tests' });
    }));

  it.each([
    ['task.txt', 'x', 'INPUT_INVALID', /task\.txt: \(path\): task import path must end with \.md or \.json$/],
    ['bad.md', '# T\nTask-ID: ../escape\n', 'DOCUMENT_INVALID', /bad\.md: task_id: must match/],
    ['bad.json', '{"task_id": "t", "kind": "spec"}', 'DOCUMENT_INVALID', /bad\.json: kind: must be "task"/],
  ])('refuses %s and writes nothing', (name, text, code, message) =>
    withQueueWorkspace(async (paths) => {
      const file = join(paths.workspaceRoot, name);
      await writeText(file, text);
      const before = await snapshotTree(paths.runtimeRoot);
      await expect(importWorkDocument(paths, 'task', file, intake)).rejects.toMatchObject({ code, exitCode: 1, message: expect.stringMatching(message) });
      expect(await snapshotTree(paths.runtimeRoot)).toEqual(before);
    }));
});

describe('importIdea', () => {
  it('refuses an idea whose name is taken in the old <workspace>/ideas/inbox, writing nothing', () =>
    withQueueWorkspace(async (paths) => {
      await writeText(join(paths.legacyIdeasInbox, 'auth.md'), '# Old\n');
      const file = join(paths.workspaceRoot, 'auth.md');
      await writeText(file, '# New\n');
      await expect(importIdea(paths, file)).rejects.toMatchObject({ code: 'DUPLICATE_ID', message: `idea document already exists: ${join(paths.legacyIdeasInbox, 'auth.md')}` });
      expect(await snapshotTree(join(paths.runtimeRoot, 'ideas'))).toEqual({});
    }));

  it('copies the markdown verbatim into millrace-agents/ideas/inbox and never replaces an existing idea', () =>
    withQueueWorkspace(async (paths) => {
      const file = join(paths.workspaceRoot, 'auth.md');
      await writeText(file, '# Authentication\n\nAdd username/password login.\n');
      const { path } = await importIdea(paths, file);
      expect(path).toBe(join(paths.workspaceRoot, 'millrace-agents', 'ideas', 'inbox', 'auth.md'));
      expect(await readFile(path, 'utf8')).toBe('# Authentication\n\nAdd username/password login.\n');
      await writeText(file, 'changed');
      await expect(importIdea(paths, file)).rejects.toMatchObject({ code: 'DUPLICATE_ID', message: `idea document already exists: ${path}` });
      expect(await readFile(path, 'utf8')).toBe('# Authentication\n\nAdd username/password login.\n');
    }));

  it.each([
    ['idea.txt', 'text', 'must end with .md'],
    ['-bad.md', 'text', 'name without .md must match'],
    ['blank.md', '  \n', 'markdown is required'],
  ])('refuses %s', (name, text, message) =>
    withQueueWorkspace(async (paths) => {
      const file = join(paths.workspaceRoot, name);
      await writeText(file, text);
      await expect(importIdea(paths, file)).rejects.toMatchObject({ exitCode: 1, message: expect.stringContaining(message) });
      expect(await snapshotTree(join(paths.runtimeRoot, 'ideas'))).toEqual({});
      expect(await snapshotTree(join(paths.workspaceRoot, 'ideas'))).toEqual({});
    }));
});
