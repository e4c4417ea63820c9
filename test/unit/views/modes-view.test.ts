import { isMillraceError } from '../../../src/errors/index.js';
import { buildModeShowView, buildModesListView, renderModeShowLines, renderModesListLines } from '../../../src/views/modes.js';
import { aRegistry, codexContribution, hostContribution } from '../../support/compile-inputs.js';

describe('modes views', () => {
  it('lists modes sorted with loops, runners, plugin, then aliases', () => {
    const view = buildModesListView(aRegistry());
    expect(renderModesListLines(view)).toEqual([
      'default_codex: execution_loop=execution.standard planning_loop=planning.standard runners=codex_cli plugin=@millrace/runner-codex-cli',
      'default_pi: execution_loop=execution.standard planning_loop=planning.standard runners=pi_rpc plugin=@millrace/runner-pi-rpc',
      'standard_plain -> default_codex (alias)',
    ]);
    expect(view.modes[0]?.aliases).toEqual(['standard_plain']);
  });

  it('shows a mode through its alias and names runners no plugin provides', () => {
    const view = buildModeShowView(aRegistry(), 'standard_plain');
    expect(view).toMatchObject({ alias_of: 'default_codex', mode_id: 'default_codex', missing_runners: [] });
    expect(renderModeShowLines(view).slice(0, 3)).toEqual(['alias_of: default_codex', 'mode_id: default_codex', 'contributed_by: @millrace/runner-codex-cli@0.1.0 (core)']);
    const pi = aRegistry([], [hostContribution(), codexContribution(), { plugin: { name: 'x', version: '1.0.0', type: 'link' }, result: { apiVersion: 1, modes: [{ mode_id: 'orphan', loop_ids_by_plane: { execution: 'execution.standard', planning: 'planning.standard' }, stage_runner_bindings: { builder: 'pi_rpc' } }] } }]);
    expect(buildModeShowView(pi, 'orphan').missing_runners).toEqual(['pi_rpc']);
  });

  it('refuses an unknown mode with NOT_FOUND', () => {
    let error: unknown;
    try {
      buildModeShowView(aRegistry(), 'nope');
    } catch (e) {
      error = e;
    }
    expect(isMillraceError(error) && [error.code, error.exitCode, error.message]).toEqual(['NOT_FOUND', 1, 'Unknown mode id: nope (installed modes and aliases: default_codex, default_pi, standard_plain)']);
  });
});
