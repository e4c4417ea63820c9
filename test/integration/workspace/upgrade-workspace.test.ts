import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMillraceError } from '../../../src/errors/index.js';
import { initWorkspace } from '../../../src/workspace/init/init-workspace.js';
import { upgradeWorkspace } from '../../../src/workspace/init/upgrade-workspace.js';
import { withTempTree } from '../../support/temp-tree.js';

type Write = (rel: string, text: string) => Promise<string>;

/** Package v1 under assets-v1, an initialized workspace, and package v2 under assets-v2. */
async function scenario(root: string, write: Write) {
  const v1: Record<string, string> = {
    'entrypoints/execution/builder.md': 'builder v1\n',
    'entrypoints/execution/checker.md': 'checker v1\n',
    'entrypoints/planning/planner.md': 'planner v1\n',
    'skills/README.md': 'skills v1\n',
    'skills/old.md': 'old skill\n',
    'graphs/execution/standard.json': '{}\n',
  };
  for (const [p, c] of Object.entries(v1)) await write(`assets-v1/${p}`, c);
  const v2 = { ...v1, 'entrypoints/execution/builder.md': 'builder v2\n', 'entrypoints/execution/checker.md': 'checker v2\n', 'skills/new.md': 'new skill\n' };
  delete (v2 as Record<string, string>)['skills/old.md'];
  for (const [p, c] of Object.entries(v2)) await write(`assets-v2/${p}`, c);
  const ws = join(root, 'repo');
  await initWorkspace({ workspaceRoot: ws, packageVersion: '1.0.0', assetRoot: join(root, 'assets-v1') });
  return { ws, rt: join(ws, 'millrace-agents'), v2Root: join(root, 'assets-v2') };
}

describe('upgradeWorkspace', () => {
  it('previews every disposition without writing', async () => {
    await withTempTree(async (root, write) => {
      const { ws, rt, v2Root } = await scenario(root, write);
      await writeFile(join(rt, 'entrypoints/execution/checker.md'), 'my checker\n');
      await writeFile(join(rt, 'entrypoints/planning/planner.md'), 'my planner\n');
      await rm(join(rt, 'skills/README.md'));
      const manifestBefore = await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8');
      const preview = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root });
      expect(preview.applied).toBe(false);
      expect(preview.result_manifest_id).toBeNull();
      expect(Object.fromEntries(preview.entries.map((e) => [e.relative_path, e.disposition]))).toEqual({
        'entrypoints/execution/builder.md': 'safe_package_update',
        'entrypoints/execution/checker.md': 'conflict',
        'entrypoints/planning/planner.md': 'local_only_modification',
        'graphs/execution/standard.json': 'unchanged',
        'skills/README.md': 'missing',
        'skills/new.md': 'missing',
        'skills/old.md': 'conflict',
      });
      expect(preview.counts).toEqual({ unchanged: 1, safe_package_update: 1, local_only_modification: 1, already_converged: 0, localized_removed: 0, conflict: 2, missing: 2 });
      expect(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8')).toBe(manifestBefore);
      expect(await readFile(join(rt, 'entrypoints/execution/builder.md'), 'utf8')).toBe('builder v1\n');
    });
  });

  it('refuses to apply while there is a conflict and writes nothing', async () => {
    await withTempTree(async (root, write) => {
      const { ws, rt, v2Root } = await scenario(root, write);
      await writeFile(join(rt, 'entrypoints/execution/checker.md'), 'my checker\n');
      const manifestBefore = await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8');
      const error = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: true, assetRoot: v2Root, localizeRemoved: ['skills/old.md'] }).catch((e: unknown) => e);
      expect(isMillraceError(error)).toBe(true);
      expect((error as Error).message).toBe('upgrade conflict(s) detected: entrypoints/execution/checker.md');
      expect(await readFile(join(rt, 'entrypoints/execution/checker.md'), 'utf8')).toBe('my checker\n');
      expect(await readFile(join(rt, 'entrypoints/execution/builder.md'), 'utf8')).toBe('builder v1\n');
      expect(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8')).toBe(manifestBefore);
    });
  });

  it('applies safe updates, restores missing files, keeps local edits and localized files, then rewrites the manifest', async () => {
    await withTempTree(async (root, write) => {
      const { ws, rt, v2Root } = await scenario(root, write);
      await writeFile(join(rt, 'entrypoints/planning/planner.md'), 'my planner\n');
      await writeFile(join(rt, 'entrypoints/execution/checker.md'), 'checker v2\n');
      const applied = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: true, assetRoot: v2Root, localizeRemoved: [' skills/old.md '] });
      expect(applied.applied).toBe(true);
      expect(applied.written).toEqual(['entrypoints/execution/builder.md', 'skills/new.md']);
      expect(applied.counts).toMatchObject({ already_converged: 1, localized_removed: 1, conflict: 0 });
      expect(await readFile(join(rt, 'entrypoints/execution/builder.md'), 'utf8')).toBe('builder v2\n');
      expect(await readFile(join(rt, 'entrypoints/planning/planner.md'), 'utf8')).toBe('my planner\n');
      expect(await readFile(join(rt, 'skills/old.md'), 'utf8')).toBe('old skill\n');
      const manifest = JSON.parse(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8'));
      expect(manifest.manifest_id).toBe(applied.result_manifest_id);
      expect(manifest.seed_package_version).toBe('2.0.0');
      expect(manifest.entries.map((e: { relative_path: string }) => e.relative_path)).not.toContain('skills/old.md');

      const again = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root });
      expect(again.counts).toMatchObject({ unchanged: 5, local_only_modification: 1, conflict: 0, missing: 0 });
    });
  });

  it('reads localize paths from a file, ignoring blank lines and comments', async () => {
    await withTempTree(async (root, write) => {
      const { ws, v2Root } = await scenario(root, write);
      const list = await write('keep.txt', '# kept on purpose\n\n  skills/old.md  \n');
      const preview = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root, localizeRemovedFrom: list });
      expect(preview.entries.find((e) => e.relative_path === 'skills/old.md')?.disposition).toBe('localized_removed');
      const missing = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root, localizeRemovedFrom: join(root, 'nope.txt') }).catch((e: Error) => e.message);
      expect(missing).toMatch(/nope\.txt: cannot read: ENOENT/);
    });
  });

  it('rejects bad localize paths and an invalid manifest with clear errors', async () => {
    await withTempTree(async (root, write) => {
      const { ws, rt, v2Root } = await scenario(root, write);
      const bad = (localizeRemoved: string[]) => upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root, localizeRemoved }).catch((e: Error) => e.message);
      expect(await bad(['../x'])).toBe('localize-removed path must be runtime-root-relative: ../x');
      expect(await bad(['skills/README.md'])).toBe('localize-removed path is not a removed managed asset: skills/README.md');
      await writeFile(join(rt, 'state/baseline_manifest.json'), '{"schema_version":"1.0"}');
      expect(await bad([])).toMatch(/^millrace-agents\/state\/baseline_manifest\.json: manifest_id: /);
    });
  });

  it('reports a directory in the way of a managed file as a conflict', async () => {
    await withTempTree(async (root, write) => {
      const { ws, rt, v2Root } = await scenario(root, write);
      await rm(join(rt, 'skills/README.md'));
      await mkdir(join(rt, 'skills/README.md'));
      const preview = await upgradeWorkspace({ workspaceRoot: ws, packageVersion: '2.0.0', apply: false, assetRoot: v2Root, localizeRemoved: ['skills/old.md'] });
      expect(preview.entries.find((e) => e.relative_path === 'skills/README.md')?.disposition).toBe('conflict');
    });
  });
});
