import { compileWorkspace, modesRegistryAt } from '../../../src/runtime/compile-workspace.js';
import { planCurrentness } from '../../../src/views/plan-currentness.js';
import { buildModesListView } from '../../../src/views/modes.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { aConfig, aMode, aRegistry, shippedLoop } from '../../support/compile-inputs.js';
import { makeCompileWorkspace, writeRuntimeFile } from '../../support/compile-workspace-fixture.js';

let paths: WorkspacePaths;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ paths, cleanup } = await makeCompileWorkspace()));
afterEach(() => cleanup());

const base = () => ({ paths, config: aConfig(), registry: aRegistry() });
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The shipped execution loop without the consultant escalation: a workspace-local variant. */
const localLoop = () => {
  const loop = structuredClone(shippedLoop('execution'));
  loop.loop_id = 'execution.local';
  return loop;
};

describe('workspace-local modes and graph loops', () => {
  it('compile like plugin contributions, at the lowest precedence, with their file as location', async () => {
    await writeRuntimeFile(paths, 'graphs/execution/local.json', json(localLoop()));
    await writeRuntimeFile(paths, 'modes/local_codex.json', json(aMode('local_codex', 'codex_cli', { loop_ids_by_plane: { execution: 'execution.local', planning: 'planning.standard' } })));
    const outcome = await compileWorkspace({ ...base(), modeId: 'local_codex', write: true });
    expect(outcome.diagnostics).toMatchObject({ ok: true, warnings: [] });
    expect(outcome.plan?.mode_contributed_by).toEqual({ name: 'millrace-agents/modes/local_codex.json', version: 'workspace', type: 'workspace' });
    expect(outcome.plan?.graphs_by_plane.execution?.loop_id).toBe('execution.local');
    expect(outcome.plan?.resolved_assets.slice(0, 2).map((r) => r.location)).toEqual(['millrace-agents/modes/local_codex.json', 'millrace-agents/graphs/execution/local.json']);

    expect(await planCurrentness({ ...base(), modeId: 'local_codex' })).toBe('current');
    await writeRuntimeFile(paths, 'modes/local_codex.json', json(aMode('local_codex', 'codex_cli', { loop_ids_by_plane: { execution: 'execution.local', planning: 'planning.standard' }, stage_model_bindings: { builder: 'gpt-5' } })));
    expect(await planCurrentness({ ...base(), modeId: 'local_codex' })).toBe('stale');
  });

  it('a deployed identical copy of a plugin loop is ignored silently; an edited one and an invalid file are warned about', async () => {
    await writeRuntimeFile(paths, 'graphs/execution/standard.json', json(shippedLoop('execution')));
    const quiet = await compileWorkspace({ ...base(), write: false });
    expect(quiet.diagnostics).toMatchObject({ ok: true, warnings: [] });

    const edited = structuredClone(shippedLoop('execution'));
    edited.edges = edited.edges.slice(1);
    await writeRuntimeFile(paths, 'graphs/execution/standard.json', json(edited));
    await writeRuntimeFile(paths, 'modes/broken.json', '{ not json');
    await writeRuntimeFile(paths, 'modes/bad.json', json({ mode_id: 'bad', loop_ids_by_plane: { execution: 'planning.standard' } }));
    const loud = await compileWorkspace({ ...base(), write: false });
    expect(loud.diagnostics.ok).toBe(true);
    expect(loud.diagnostics.warnings).toEqual([
      expect.stringMatching(/^millrace-agents\/modes\/broken\.json: invalid JSON .*; ignored$/),
      "millrace-agents/modes/bad.json: loop_ids_by_plane.execution: loop id for plane execution must start with 'execution.'; ignored",
      'millrace-agents/graphs/execution/standard.json: graph loop execution.standard differs from the one plugin millrace@0.1.0 contributes and is ignored (plugins take precedence); give it another id to use it',
    ]);
  });

  it('modes list sees workspace-local modes when run inside an initialized workspace, and creates nothing elsewhere', async () => {
    await writeRuntimeFile(paths, 'modes/local_codex.json', json(aMode('local_codex', 'codex_cli')));
    const inside = buildModesListView((await modesRegistryAt(paths.workspaceRoot, aRegistry())).registry);
    expect(inside.modes.find((m) => m.mode_id === 'local_codex')?.contributed_by).toEqual({ name: 'millrace-agents/modes/local_codex.json', version: 'workspace', type: 'workspace' });
    const elsewhere = await modesRegistryAt(`${paths.workspaceRoot}/nowhere`, aRegistry());
    expect([...elsewhere.registry.modes.keys()].sort()).toEqual(['default_codex', 'default_pi']);
  });
});
