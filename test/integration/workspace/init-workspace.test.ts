import { existsSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BaselineManifestSchema } from '../../../src/contracts/baseline-manifest.js';
import { isMillraceError } from '../../../src/errors/index.js';
import { initWorkspace } from '../../../src/workspace/init/init-workspace.js';
import { sha256 } from '../../../src/workspace/init/asset-files.js';
import { requireInitializedWorkspace } from '../../../src/workspace/initialized.js';
import { withTempTree } from '../../support/temp-tree.js';

const NOW = new Date('2026-04-15T12:00:00Z');

async function seedAssets(write: (rel: string, text: string) => Promise<string>) {
  await write('assets/entrypoints/execution/builder.md', '# Builder\n');
  await write('assets/skills/stage/execution/builder-core/SKILL.md', '# Builder core\n');
  await write('assets/graphs/execution/standard.json', '{"loop_id":"execution.standard"}\n');
  await write('assets/skills/.DS_Store', 'junk');
  await write('assets/entrypoints/__pycache__/x.pyc', 'junk');
  await write('assets/unrelated/file.md', 'not a family');
}

describe('initWorkspace', () => {
  it('creates the tree, default files, deployed assets and a manifest of the package files', async () => {
    await withTempTree(async (root, write) => {
      await seedAssets(write);
      const ws = join(root, 'repo');
      const result = await initWorkspace({ workspaceRoot: ws, packageVersion: '0.1.0', assetRoot: join(root, 'assets'), now: NOW });
      const rt = join(ws, 'millrace-agents');
      for (const dir of ['state/mailbox/incoming', 'tasks/queue', 'specs/blocked', 'incidents/incoming', 'learning/requests/queue', 'arbiter/contracts/root-specs', 'registry/stage_kinds/planning', 'runs', 'logs']) {
        expect((await stat(join(rt, dir))).isDirectory()).toBe(true);
      }
      expect(await readFile(join(rt, 'state/execution_status.md'), 'utf8')).toBe('### IDLE\n');
      expect(await readFile(join(rt, 'millrace.toml'), 'utf8')).toBe('[runtime]\ndefault_mode = "default_codex"\nrun_style = "daemon"\n\n[runners.codex]\npermission_default = "basic"\n');
      const snapshot = JSON.parse(await readFile(join(rt, 'state/runtime_snapshot.json'), 'utf8'));
      expect(snapshot).toMatchObject({ kind: 'runtime_snapshot', compiled_plan_id: 'bootstrap', updated_at: '2026-04-15T12:00:00.000Z', execution_status_marker: '### IDLE' });
      expect(JSON.parse(await readFile(join(rt, 'state/recovery_counters.json'), 'utf8'))).toEqual({ schema_version: '1.0', kind: 'recovery_counters', entries: [] });
      expect(result.deployed_assets).toEqual(['entrypoints/execution/builder.md', 'skills/stage/execution/builder-core/SKILL.md', 'graphs/execution/standard.json']);
      expect(existsSync(join(rt, 'skills/.DS_Store'))).toBe(false);
      expect(existsSync(join(rt, 'unrelated'))).toBe(false);
      expect(existsSync(join(ws, 'state'))).toBe(false);

      const manifest = BaselineManifestSchema.parse(JSON.parse(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8')));
      expect(manifest.seed_package_version).toBe('0.1.0');
      expect(manifest.entries).toEqual([
        { relative_path: 'entrypoints/execution/builder.md', asset_family: 'entrypoints', original_sha256: sha256('# Builder\n') },
        { relative_path: 'graphs/execution/standard.json', asset_family: 'graphs', original_sha256: sha256('{"loop_id":"execution.standard"}\n') },
        { relative_path: 'skills/stage/execution/builder-core/SKILL.md', asset_family: 'skills', original_sha256: sha256('# Builder core\n') },
      ]);
      expect(() => requireInitializedWorkspace(ws)).not.toThrow();
    });
  });

  it('is idempotent and never overwrites operator edits', async () => {
    await withTempTree(async (root, write) => {
      await seedAssets(write);
      const ws = join(root, 'repo');
      const options = { workspaceRoot: ws, packageVersion: '0.1.0', assetRoot: join(root, 'assets'), now: NOW };
      await initWorkspace(options);
      const rt = join(ws, 'millrace-agents');
      const manifestBefore = await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8');
      await writeFile(join(rt, 'millrace.toml'), '[runtime]\ndefault_mode = "default_pi"\n');
      await writeFile(join(rt, 'entrypoints/execution/builder.md'), '# My builder\n');
      await writeFile(join(rt, 'outline.md'), 'my outline\n');
      await rm(join(rt, 'skills/stage/execution/builder-core/SKILL.md'));
      await rm(join(rt, 'tasks/done'), { recursive: true });

      const second = await initWorkspace({ ...options, now: new Date('2030-01-01T00:00:00Z') });
      expect(second.created_files).toEqual([]);
      expect(second.deployed_assets).toEqual(['skills/stage/execution/builder-core/SKILL.md']);
      expect(second.kept_existing_assets).toEqual(['entrypoints/execution/builder.md', 'graphs/execution/standard.json']);
      expect(second.manifest_written).toBe(false);
      expect(await readFile(join(rt, 'millrace.toml'), 'utf8')).toBe('[runtime]\ndefault_mode = "default_pi"\n');
      expect(await readFile(join(rt, 'entrypoints/execution/builder.md'), 'utf8')).toBe('# My builder\n');
      expect(await readFile(join(rt, 'outline.md'), 'utf8')).toBe('my outline\n');
      expect(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8')).toBe(manifestBefore);
      expect(JSON.parse(await readFile(join(rt, 'state/runtime_snapshot.json'), 'utf8')).updated_at).toBe('2026-04-15T12:00:00.000Z');
      expect((await stat(join(rt, 'tasks/done'))).isDirectory()).toBe(true);
    });
  });

  it('rebuilds a deleted manifest from the package hashes, not the edited workspace copies', async () => {
    await withTempTree(async (root, write) => {
      await seedAssets(write);
      const ws = join(root, 'repo');
      const options = { workspaceRoot: ws, packageVersion: '0.1.0', assetRoot: join(root, 'assets') };
      await initWorkspace(options);
      const rt = join(ws, 'millrace-agents');
      await writeFile(join(rt, 'entrypoints/execution/builder.md'), '# edited\n');
      await rm(join(rt, 'state/baseline_manifest.json'));
      expect((await initWorkspace(options)).manifest_written).toBe(true);
      const manifest = JSON.parse(await readFile(join(rt, 'state/baseline_manifest.json'), 'utf8'));
      expect(manifest.entries[0].original_sha256).toBe(sha256('# Builder\n'));
    });
  });
});

describe('requireInitializedWorkspace', () => {
  it('fails with one line naming the init command and creates nothing', async () => {
    await withTempTree(async (root) => {
      let caught: unknown;
      try {
        requireInitializedWorkspace(root);
      } catch (error) {
        caught = error;
      }
      expect(isMillraceError(caught)).toBe(true);
      const error = caught as { code: string; message: string };
      expect(error.code).toBe('WORKSPACE_NOT_INITIALIZED');
      expect(error.message).toContain(`Run \`millrace init --workspace ${root}\` first.`);
      expect(error.message).not.toContain('\n');
      expect(existsSync(join(root, 'millrace-agents'))).toBe(false);
    });
  });
});
