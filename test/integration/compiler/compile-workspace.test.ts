import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { compileWorkspace, requireRunnablePlan } from '../../../src/runtime/compile-workspace.js';
import { inspectPlanCurrentness, planCurrentness } from '../../../src/views/plan-currentness.js';
import { CompiledPlanSchema, CompileDiagnosticsSchema } from '../../../src/contracts/compiled-plan.js';
import { isMillraceError } from '../../../src/errors/index.js';
import type { WorkspacePaths } from '../../../src/workspace/paths.js';
import { aConfig, aRegistry, codexContribution, hostContribution } from '../../support/compile-inputs.js';
import { makeCompileWorkspace, writeRuntimeFile } from '../../support/compile-workspace-fixture.js';

let paths: WorkspacePaths;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ paths, cleanup } = await makeCompileWorkspace()));
afterEach(() => cleanup());

const base = () => ({ paths, config: aConfig(), registry: aRegistry() });
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as unknown;

describe('compileWorkspace', () => {
  it('writes compiled_plan.json and compile_diagnostics.json that validate on read', async () => {
    const outcome = await compileWorkspace({ ...base(), write: true, now: new Date('2026-11-27T12:00:00Z') });
    expect(outcome.status).toBe('compiled');
    const plan = CompiledPlanSchema.parse(await readJson(paths.compiledPlan));
    expect(plan.compiled_plan_id).toBe(outcome.plan?.compiled_plan_id);
    expect(CompileDiagnosticsSchema.parse(await readJson(paths.compileDiagnostics))).toMatchObject({ ok: true, mode_id: 'default_codex', errors: [] });
    expect((await readdir(paths.state)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(await readFile(paths.compiledPlan, 'utf8')).toMatch(/^\{\n {2}"schema_version": "1.0",[\s\S]*\}\n$/);
  });

  it('leaves an unchanged plan byte-identical (status current) and rewrites it when an input changes', async () => {
    await compileWorkspace({ ...base(), write: true, now: new Date('2026-11-27T12:00:00Z') });
    const before = await readFile(paths.compiledPlan, 'utf8');
    const again = await compileWorkspace({ ...base(), write: true, now: new Date('2026-11-27T13:00:00Z') });
    expect(again.status).toBe('current');
    expect(await readFile(paths.compiledPlan, 'utf8')).toBe(before);
    const pi = await compileWorkspace({ ...base(), modeId: 'default_pi', write: true });
    expect(pi.status).toBe('compiled');
    expect(CompiledPlanSchema.parse(await readJson(paths.compiledPlan)).mode_id).toBe('default_pi');
  });

  it('write: false touches nothing', async () => {
    const outcome = await compileWorkspace({ ...base(), write: false });
    expect(outcome.status).toBe('compiled');
    await expect(stat(paths.compiledPlan)).rejects.toThrow();
    await expect(stat(paths.compileDiagnostics)).rejects.toThrow();
  });

  it('keeps the last known good plan on a failed recompile and says so', async () => {
    await compileWorkspace({ ...base(), write: true });
    const good = await readFile(paths.compiledPlan, 'utf8');
    await rm(`${paths.runtimeRoot}/entrypoints/execution/checker.md`);
    const failed = await compileWorkspace({ ...base(), write: true });
    expect(failed).toMatchObject({ status: 'failed', keptLastKnownGood: true, currentness: 'stale' });
    expect(failed.diagnostics.errors).toEqual(['Missing entrypoint file millrace-agents/entrypoints/execution/checker.md for node execution.checker (stage kind checker)']);
    expect(await readFile(paths.compiledPlan, 'utf8')).toBe(good);
    expect(CompileDiagnosticsSchema.parse(await readJson(paths.compileDiagnostics))).toMatchObject({ ok: false, errors: failed.diagnostics.errors });
  });
});

describe('plan currentness transitions', () => {
  it('missing -> current -> stale (asset edit, config edit, mode switch, plugin change) -> current after recompile', async () => {
    expect(await planCurrentness(base())).toBe('missing');
    await compileWorkspace({ ...base(), write: true });
    expect(await planCurrentness(base())).toBe('current');

    await writeRuntimeFile(paths, 'entrypoints/execution/builder.md', '# edited by the operator\n');
    expect(await planCurrentness(base())).toBe('stale');
    await compileWorkspace({ ...base(), write: true });
    expect(await planCurrentness(base())).toBe('current');

    await writeRuntimeFile(paths, 'skills/unrelated/SKILL.md', 'not referenced by the plan\n');
    expect(await planCurrentness(base())).toBe('current');

    expect(await planCurrentness({ ...base(), config: aConfig({ recovery: { max_fix_cycles: 5 } }) })).toBe('stale');
    expect(await planCurrentness({ ...base(), modeId: 'default_pi' })).toBe('stale');
    expect(await planCurrentness({ ...base(), modeId: 'standard_plain' })).toBe('current');

    const upgraded = codexContribution();
    upgraded.plugin = { ...upgraded.plugin, version: '0.2.0' };
    const report = await inspectPlanCurrentness({ ...base(), registry: aRegistry([], [hostContribution(), upgraded]) });
    expect(report.currentness).toBe('stale');
    expect(report.persisted).not.toEqual(report.expected);
  });

  it('treats an invalid plan file as missing', async () => {
    await writeRuntimeFile(paths, 'state/compiled_plan.json', '{"schema_version":"1.0"}\n');
    const report = await inspectPlanCurrentness(base());
    expect(report.currentness).toBe('missing');
    expect(report.problem).toContain('compiled_plan.json');
  });
});

describe('requireRunnablePlan', () => {
  it('compiles when missing, then reuses the current plan without writing', async () => {
    const first = await requireRunnablePlan(base());
    expect(first.status).toBe('compiled');
    const { mtimeMs } = await stat(paths.compiledPlan);
    const second = await requireRunnablePlan(base());
    expect(second).toMatchObject({ status: 'current', plan: { compiled_plan_id: first.plan.compiled_plan_id } });
    expect((await stat(paths.compiledPlan)).mtimeMs).toBe(mtimeMs);
  });

  it('recompiles a stale plan whose inputs still compile', async () => {
    await requireRunnablePlan(base());
    const outcome = await requireRunnablePlan({ ...base(), config: aConfig({ recovery: { max_fix_cycles: 4 } }) });
    expect(outcome.status).toBe('compiled');
  });

  it('refuses with PLAN_STALE on a stale plan whose inputs no longer compile, and COMPILE_FAILED without a plan', async () => {
    const noPi = { ...base(), modeId: 'default_pi', registry: aRegistry([], [hostContribution(), codexContribution()]) };
    await expect(requireRunnablePlan(noPi)).rejects.toMatchObject({ code: 'COMPILE_FAILED' });
    await requireRunnablePlan(base());
    const error: unknown = await requireRunnablePlan({ ...base(), registry: aRegistry([], [hostContribution()]) }).catch((e: unknown) => e);
    expect(isMillraceError(error) && error.code).toBe('PLAN_STALE');
    expect((error as Error).message).toContain('Unknown mode id: default_codex');
  });
});
