import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSeedIdeaMarkdown } from '../../../src/workspace/arbiter/contracts.js';
import { readLocalContributionFiles } from '../../../src/workspace/local-contributions.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { readRunFileFrom } from '../../../src/workspace/state/run-dirs.js';

// Inputs beside the state files go through the bounded reader too: workspace-local modes/loops and seed ideas.
describe('bounded reads of workspace inputs', () => {
  const paths = workspacePaths(mkdtempSync(join(tmpdir(), 'millrace-inputs-')));

  it('a workspace-local mode over the config file limit is a problem naming the file and the limit', async () => {
    mkdirSync(paths.modes, { recursive: true });
    writeFileSync(join(paths.modes, 'ok.json'), '{"mode_id": "ok"}');
    writeFileSync(join(paths.modes, 'huge.json'), '');
    truncateSync(join(paths.modes, 'huge.json'), 1024 * 1024 + 1);
    const { files, problems } = await readLocalContributionFiles(paths);
    expect(files.map((f) => f.file)).toEqual(['millrace-agents/modes/ok.json']);
    expect(problems).toEqual([{ file: 'millrace-agents/modes/huge.json', message: 'larger than the 1 MiB limit for a config file' }]);
  });

  it('a seed idea over the idea limit, or a FIFO, is passed over for the next candidate without blocking', async () => {
    mkdirSync(paths.ideasInbox, { recursive: true });
    writeFileSync(join(paths.ideasInbox, 'huge.md'), '');
    truncateSync(join(paths.ideasInbox, 'huge.md'), 1024 * 1024 + 1);
    execFileSync('mkfifo', [join(paths.ideasInbox, 'pipe.md')]);
    writeFileSync(join(paths.ideasInbox, 'idea-1.md'), '# Idea\n');
    const found = await readSeedIdeaMarkdown(paths, { references: ['ideas/inbox/huge.md', 'ideas/inbox/pipe.md'], source_id: null, root_idea_id: 'idea-1' });
    expect(found).toEqual({ path: join(paths.ideasInbox, 'idea-1.md'), markdown: '# Idea\n' });
  });

  it('following a run artifact reads a regular file, and neither blocks on a FIFO nor reads through a link', async () => {
    const runDir = join(paths.runs, 'run-1');
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'builder.stdout.log'), 'hello');
    execFileSync('mkfifo', [join(runDir, 'pipe.stdout.log')]);
    writeFileSync(join(paths.workspaceRoot, 'outside.txt'), 'secret');
    symlinkSync(join(paths.workspaceRoot, 'outside.txt'), join(runDir, 'link.stdout.log'));
    expect(await readRunFileFrom(paths, 'run-1', 'builder.stdout.log', 1, 10)).toEqual({ bytes: Buffer.from('ello'), size: 5 });
    expect(await readRunFileFrom(paths, 'run-1', 'pipe.stdout.log', 0, 10)).toBeNull();
    expect(await readRunFileFrom(paths, 'run-1', 'link.stdout.log', 0, 10)).toBeNull();
  });
});
