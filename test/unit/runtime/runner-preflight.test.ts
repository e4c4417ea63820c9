import { compilePlan } from '../../../src/compiler/compile-plan.js';
import { buildRegistry } from '../../../src/registry/registry.js';
import { preflightPlanRunners } from '../../../src/runtime/runner-preflight.js';
import type { RunnerContribution } from '@millrace/plugin-api';
import { aMode, aRunner, compileInputs, hostContribution } from '../../support/compile-inputs.js';

const THIRD_PARTY = { name: 'millrace-plugin-remote', version: '1.0.0', type: 'user' };

/** A plan whose stages run on a third-party runner `remote`, with the given contribution fields. */
async function problemsFor(runner: Partial<RunnerContribution>, runners: Record<string, unknown> = {}) {
  const registry = buildRegistry([hostContribution(), { plugin: THIRD_PARTY, result: { apiVersion: 1, runners: [{ ...aRunner('remote'), ...runner }], modes: [aMode('remote_mode', 'remote')] } }], []);
  const compiled = compilePlan(compileInputs({ registry, requestedModeId: 'remote_mode' }));
  if (!compiled.ok) throw new Error(compiled.diagnostics.errors.join('; '));
  return preflightPlanRunners({ plan: compiled.plan, registry, runners, workspaceRoot: '/ws', runtimeRoot: '/ws/millrace-agents' });
}

describe('preflight of the runners a compiled plan binds', () => {
  it("calls a third-party runner's preflight once, with its parsed config section and its stages", async () => {
    const calls: unknown[] = [];
    const schema = { safeParse: (input: unknown) => ({ success: true as const, data: { ...(input as object), filled: true } }) };
    const problems = await problemsFor(
      {
        configSection: 'remote',
        configSchema: schema,
        preflight: (input) => {
          calls.push(input);
          return { problem: 'runner remote: no API token', remedy: 'set runners.remote.token' };
        },
      },
      { remote: { token: '', stall_timeout_seconds: 5 } },
    );
    expect(calls).toEqual([expect.objectContaining({ workspaceRoot: '/ws', runtimeRoot: '/ws/millrace-agents', config: { token: '', filled: true } })]);
    expect((calls[0] as { stages: string[] }).stages).toEqual(expect.arrayContaining(['builder', 'planner', 'arbiter']));
    expect(problems).toEqual([expect.objectContaining({ runner: 'remote', plugin: 'millrace-plugin-remote', problem: 'runner remote: no API token', remedy: 'set runners.remote.token' })]);
  });

  it('a runner without preflight is trusted; null means available', async () => {
    expect(await problemsFor({})).toEqual([]);
    expect(await problemsFor({ preflight: async () => null })).toEqual([]);
  });

  it('a preflight that throws, or a config section its schema refuses, is a problem naming the plugin or key', async () => {
    const thrown = await problemsFor({ preflight: () => { throw new Error('boom'); } });
    expect(thrown).toEqual([expect.objectContaining({ runner: 'remote', problem: 'runner remote: preflight of plugin millrace-plugin-remote failed: boom' })]);
    const refusing = { safeParse: () => ({ success: false as const, error: { issues: [{ path: ['command'], message: 'required' }] } }) };
    const unconfigured = await problemsFor({ configSection: 'remote', configSchema: refusing, preflight: () => null });
    expect(unconfigured).toEqual([expect.objectContaining({ problem: 'runner remote: runners.remote: command: required', remedy: expect.stringContaining('[runners.remote]') })]);
  });

  it('the registry refuses a preflight that is not a function', () => {
    const registry = buildRegistry([{ plugin: THIRD_PARTY, result: { apiVersion: 1, runners: [{ ...aRunner('remote'), preflight: 'yes' }] } }], []);
    expect(registry.runners.has('remote')).toBe(false);
    expect(registry.problems[0]?.message).toContain("runner #0 'remote' is invalid: preflight: must be a function");
  });
});
