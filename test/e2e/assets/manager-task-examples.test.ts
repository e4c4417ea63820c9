import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { detectExampleKind, extractFencedBlocks } from '../../../src/compiler/entrypoint-lint.js';
import { parseWorkDocument } from '../../../src/workspace/documents/index.js';
import { lintWorkspaceAssets } from '../../../src/views/asset-lint.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import type { QueueAddTaskResult } from '../../../src/commands/queue/add-task.js';
import { withTempTree } from '../../support/temp-tree.js';

/**
 * The task examples shown to the Manager (entrypoint and stage-core skill) must be accepted verbatim by
 * `millrace queue add-task`, taken from the copies `millrace init` deploys into a workspace.
 */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'run.js');
const millrace = (args: string[]) => execa('node', [BIN, ...args, '--json'], { reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });

const MANAGER_FILES = ['entrypoints/planning/manager.md', 'skills/stage/planning/manager-core/SKILL.md'];

describe('manager task examples in a fresh workspace', () => {
  it('are accepted verbatim by queue add-task and stored with their fields intact', async () => {
    await withTempTree(async (root) => {
      const init = await millrace(['init', '--workspace', root]);
      expect(init.exitCode).toBe(0);
      const paths = workspacePaths(root);
      expect(lintWorkspaceAssets(paths)).toEqual([]);

      const examples = MANAGER_FILES.flatMap((file) =>
        extractFencedBlocks(readFileSync(join(paths.runtimeRoot, file), 'utf8')).filter((b) => detectExampleKind(b) === 'task'),
      );
      expect(examples).toHaveLength(2);

      for (const [index, example] of examples.entries()) {
        const file = join(root, `example-${index}.md`);
        writeFileSync(file, example.body);
        const added = await millrace(['queue', 'add-task', file, '--workspace', root]);
        expect(added.stderr).toBe('');
        expect(added.exitCode).toBe(0);
        const { result } = JSON.parse(added.stdout) as { status: number; result: QueueAddTaskResult };
        const shown = parseWorkDocument('task', example.body, file).fields;
        expect(result.task_id).toBe(shown.task_id);
        expect(result.enqueued_task).toBe(join(paths.tasks.queue, `${shown.task_id}.md`));
        const stored = parseWorkDocument('task', readFileSync(result.enqueued_task, 'utf8'), result.enqueued_task).fields;
        expect(stored).toEqual(shown);
      }
    });
  }, 120_000);
});
