import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { QueueAddIdeaResult } from '../../src/commands/queue/add-idea.js';
import { createRuntimeWorkspace, millrace, readEvents } from '../support/runtime-workspace.js';

const SLOW = 300_000;
const specsIn = (runtime: string) => ['queue', 'active', 'done'].flatMap((s) => (existsSync(join(runtime, 'specs', s)) ? readdirSync(join(runtime, 'specs', s)).map((n) => `${s}/${n}`) : []));

describe('the ideas inbox lives inside millrace-agents/', () => {
  it('add-idea writes into millrace-agents/ideas/inbox, never at the repo root; planning reads it and the old <repo>/ideas/inbox', async () => {
    const ws = await createRuntimeWorkspace();
    try {
      writeFileSync(join(ws.root, 'new.md'), '# New idea\n\nBuild it.\n');
      const add = JSON.parse((await millrace(['queue', 'add-idea', join(ws.root, 'new.md'), '-w', ws.root, '--json'])).stdout) as JsonSuccess<QueueAddIdeaResult>;
      expect(add.result.enqueued_idea).toBe(join(ws.runtime, 'ideas', 'inbox', 'new.md'));
      expect(readFileSync(add.result.enqueued_idea, 'utf8')).toBe('# New idea\n\nBuild it.\n');
      expect(existsSync(join(ws.root, 'ideas'))).toBe(false);

      // A workspace from before the move (or from the reference) keeps its ideas at <repo>/ideas/inbox: still read.
      mkdirSync(join(ws.root, 'ideas', 'inbox'), { recursive: true });
      writeFileSync(join(ws.root, 'ideas', 'inbox', 'old.md'), '# Old idea\n\nFrom before.\n');
      const taken = await millrace(['queue', 'add-idea', join(ws.root, 'ideas', 'inbox', 'old.md'), '-w', ws.root]);
      expect(taken.exitCode).toBe(1);
      expect(taken.stderr).toContain(`Error (DUPLICATE_ID): idea document already exists: ${join(ws.root, 'ideas', 'inbox', 'old.md')}`);

      const once = await millrace(['run', 'once', '-w', ws.root]);
      expect(once.exitCode).toBe(0);
      const normalized = readEvents(ws.runtime).filter((e) => e.event_type === 'idea_normalized_to_spec').map((e) => e.data['spec_id']);
      expect(normalized.sort()).toEqual(['idea-new', 'idea-old']);
      expect(readEvents(ws.runtime).find((e) => e.event_type === 'ideas_inbox_legacy_read')?.data).toEqual({ path: 'ideas/inbox', inbox: 'millrace-agents/ideas/inbox' });
      const specs = specsIn(ws.runtime);
      const specText = (id: string) => readFileSync(join(ws.runtime, 'specs', specs.find((s) => s.endsWith(`/${id}.md`))!), 'utf8');
      expect(specText('idea-new')).toContain('references:\n  - millrace-agents/ideas/inbox/new.md');
      expect(specText('idea-old')).toContain('references:\n  - ideas/inbox/old.md');
      // Ideas are never moved or deleted.
      expect(existsSync(join(ws.runtime, 'ideas', 'inbox', 'new.md'))).toBe(true);
      expect(existsSync(join(ws.root, 'ideas', 'inbox', 'old.md'))).toBe(true);
    } finally {
      rmSync(ws.root, { recursive: true, force: true });
    }
  }, SLOW);
});
