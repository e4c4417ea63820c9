import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newClosureTarget } from '../../../src/runtime/decide/closure.js';
import {
  copyArbiterReport,
  readClosureTarget,
  readClosureTargets,
  readOpenClosureTarget,
  readSeedIdeaMarkdown,
  resolveArbiterVerdict,
  writeClosureContracts,
  writeClosureTarget,
  writeLineageDriftDiagnostic,
} from '../../../src/workspace/arbiter/index.js';
import { withTempDir } from './temp-dir.js';

const NOW = '2026-01-01T00:00:00.000Z';

describe('arbiter store', () => {
  it('round-trips a closure target and finds the open one', async () => {
    await withTempDir(async (paths) => {
      expect(await readOpenClosureTarget(paths)).toBeNull();
      const target = newClosureTarget('idea-seed', 'idea-seed', NOW);
      await writeClosureTarget(paths, target);
      expect(await readClosureTarget(paths, 'idea-seed')).toEqual(target);
      expect(await readOpenClosureTarget(paths)).toEqual(target);
      expect(await readFile(join(paths.arbiter.targets, 'idea-seed.json'), 'utf8')).toMatch(/^\{\n {2}"schema_version": "1.0",/);
    });
  });

  it('refuses two open targets and reports invalid files without deleting them', async () => {
    await withTempDir(async (paths) => {
      await writeClosureTarget(paths, newClosureTarget('a', 'a', NOW));
      await writeClosureTarget(paths, newClosureTarget('b', 'b', NOW));
      await expect(readOpenClosureTarget(paths)).rejects.toMatchObject({ code: 'WORKSPACE_STATE_INVALID', field: 'closure_open' });
      await writeFile(join(paths.arbiter.targets, 'c.json'), '{"kind":"closure_target_state"}');
      const { targets, problems } = await readClosureTargets(paths);
      expect(targets.map((t) => t.root_spec_id)).toEqual(['a', 'b']);
      expect(problems).toHaveLength(1);
      expect(problems[0]!.message).toMatch(/c\.json: (schema_version|\(root\))/);
      expect(await readFile(join(paths.arbiter.targets, 'c.json'), 'utf8')).toContain('closure_target_state');
    });
  });

  it('snapshots the seed idea and the root spec as contracts', async () => {
    await withTempDir(async (paths) => {
      await mkdir(paths.ideasInbox, { recursive: true });
      await writeFile(join(paths.ideasInbox, 'seed.md'), '# Seed\n\nBuild X.\n');
      const specFile = join(paths.workspaceRoot, 'spec.md');
      await writeFile(specFile, '---\nspec_id: idea-seed\n---\nbody\n');
      const idea = await readSeedIdeaMarkdown(paths, { references: ['millrace-agents/ideas/inbox/seed.md'], source_id: 'idea-seed', root_idea_id: 'idea-seed' });
      const target = newClosureTarget('idea-seed', 'idea-seed', NOW);
      await writeClosureContracts(paths, target, specFile, idea.markdown);
      expect(await readFile(join(paths.arbiter.ideaContracts, 'idea-seed.md'), 'utf8')).toBe('# Seed\n\nBuild X.\n');
      expect(await readFile(join(paths.arbiter.rootSpecContracts, 'idea-seed.md'), 'utf8')).toContain('spec_id: idea-seed');
      await expect(readSeedIdeaMarkdown(paths, { references: [], source_id: null, root_idea_id: 'idea-gone' })).rejects.toThrow(/could not resolve source idea markdown for root_idea_id=idea-gone/);
      // An idea still in the old <workspace>/ideas/inbox is found there (after the references and the new inbox).
      await mkdir(paths.legacyIdeasInbox, { recursive: true });
      await writeFile(join(paths.legacyIdeasInbox, 'idea-old.md'), '# Old\n');
      expect(await readSeedIdeaMarkdown(paths, { references: [], source_id: null, root_idea_id: 'idea-old' })).toEqual({ path: join(paths.legacyIdeasInbox, 'idea-old.md'), markdown: '# Old\n' });
    });
  });

  it('copies the Arbiter report and resolves the verdict only when they exist', async () => {
    await withTempDir(async (paths) => {
      const runDir = join(paths.runs, 'run-a');
      await mkdir(runDir, { recursive: true });
      await writeFile(join(runDir, 'arbiter_report.md'), 'report');
      expect(await copyArbiterReport(paths, 'run-a', join(runDir, 'arbiter_report.md'))).toBe('millrace-agents/arbiter/reports/run-a.md');
      expect(await copyArbiterReport(paths, 'run-a', join(runDir, 'missing.md'))).toBeNull();
      expect(await resolveArbiterVerdict(paths, join(paths.arbiter.verdicts, 'idea-seed.json'))).toBeNull();
      await mkdir(paths.arbiter.verdicts, { recursive: true });
      await writeFile(join(paths.arbiter.verdicts, 'idea-seed.json'), '{}');
      expect(await resolveArbiterVerdict(paths, join(paths.arbiter.verdicts, 'idea-seed.json'))).toBe('millrace-agents/arbiter/verdicts/idea-seed.json');
    });
  });

  it('writes the lineage drift diagnostic with the repair command', async () => {
    await withTempDir(async (paths) => {
      const rel = await writeLineageDriftDiagnostic(paths, newClosureTarget('idea-seed', 'idea-seed', NOW), [], NOW);
      const diag = JSON.parse(await readFile(join(paths.workspaceRoot, rel), 'utf8'));
      expect(diag).toMatchObject({ kind: 'closure_lineage_drift_diagnostic', root_spec_id: 'idea-seed', recommended_command: expect.stringContaining('--root-spec-id idea-seed --apply') });
    });
  });
});
