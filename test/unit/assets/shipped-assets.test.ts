import { buildStagePrompt } from '@millrace/plugin-api';
import { aStageRunRequest } from '@millrace/plugin-api/testing';
import { ASSET_ROOT } from '../../../src/contracts/asset-root.js';
import { coreSkillPath, entrypointPath, STAGE_METADATA } from '../../../src/contracts/stage-metadata.js';
import { detectExampleKind, extractFencedBlocks, extractMarkerSection, lintStageAssets } from '../../../src/compiler/entrypoint-lint.js';
import { parseWorkDocument } from '../../../src/workspace/documents/index.js';
import { lintAssetTree, readAssetTree } from '../../../src/views/asset-lint.js';

/** The packaged entrypoints and skills, linted with the real work-document parser. */

const tree = readAssetTree(ASSET_ROOT);

describe('shipped stage assets', () => {
  it('pass the entrypoint lint with the real document parser', () => {
    expect(lintAssetTree(ASSET_ROOT)).toEqual([]);
  });

  it('rejects a manager example the real parser refuses, naming the field', () => {
    const files = new Map(tree.files);
    const manager = 'entrypoints/planning/manager.md';
    files.set(manager, files.get(manager)!.replace('task_id: idea-auth-02-login-form', 'task_id: ../escape'));
    const problems = lintStageAssets({ stages: STAGE_METADATA, files, existingPaths: tree.existingPaths, parseDocument: parseWorkDocument });
    expect(problems).toEqual([expect.objectContaining({ rule: 'EXAMPLE_INVALID', file: manager, message: expect.stringContaining('task_id') })]);
  });

  it('ship one entrypoint and one stage-core skill per stage, and nothing unlisted', () => {
    const expected = STAGE_METADATA.flatMap((m) => [entrypointPath(m), coreSkillPath(m)]).concat('skills/skills_index.md').sort();
    expect([...tree.existingPaths].sort()).toEqual(expected);
  });

  it.each(STAGE_METADATA.map((m) => [m.stage, m] as const))('%s lists exactly its legal markers, in stage-table order', (_stage, meta) => {
    const listed = extractMarkerSection(tree.files.get(entrypointPath(meta))!)!.map((i) => i.token);
    expect(listed).toEqual(Object.keys(meta.outcomes));
  });

  it('shows the manager a task example and the planner a spec example, each a valid document', () => {
    const examplesOf = (path: string) => extractFencedBlocks(tree.files.get(path)!).filter((b) => detectExampleKind(b));
    const manager = examplesOf('entrypoints/planning/manager.md');
    const planner = examplesOf('entrypoints/planning/planner.md');
    expect(manager.map((b) => detectExampleKind(b))).toEqual(['task']);
    expect(planner.map((b) => detectExampleKind(b))).toEqual(['spec']);
    const task = parseWorkDocument('task', manager[0]!.body, 'manager example');
    expect(task.fields).toMatchObject({ root_spec_id: 'idea-auth', root_idea_id: 'idea-auth', spec_id: 'idea-auth', created_by: 'manager' });
  });

  it('name only request-context labels the prompt really carries', () => {
    const prompt = buildStagePrompt(aStageRunRequest('/ws/millrace-agents'));
    const labels = new Set(prompt.split('\n').map((l) => /^([A-Z][A-Za-z ]+?):/.exec(l)?.[1]).filter((l): l is string => l !== undefined));
    for (const meta of STAGE_METADATA) {
      const text = tree.files.get(entrypointPath(meta))!;
      const inputs = text.slice(text.indexOf('## Inputs from the stage request'), text.indexOf('## Hard boundaries'));
      const named = [...inputs.matchAll(/`([A-Z][a-z]+(?: [A-Z][A-Za-z]*)+)`/g)].map((m) => m[1]!);
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((n) => !labels.has(n))).toEqual([]);
    }
  });
});
