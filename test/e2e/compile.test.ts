import { execa } from 'execa';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonFailure, JsonSuccess } from '../../src/cli/base-command.js';
import type { CompileShowResult } from '../../src/commands/compile/show.js';
import type { CompileValidateResult } from '../../src/commands/compile/validate.js';
import type { ModesListResult } from '../../src/commands/modes/list.js';
import type { ModesShowResult } from '../../src/commands/modes/show.js';
import { coreSkillPath, entrypointPath, STAGE_METADATA } from '../../src/contracts/stage-metadata.js';
import { workspacePaths, type WorkspacePaths } from '../../src/workspace/paths.js';
import { writeRuntimeFile } from '../support/compile-workspace-fixture.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REVIEW_PLUGIN = join(ROOT, 'test', 'fixtures', 'plugin-review-loop');

let home: string;
let paths: WorkspacePaths;

/** `millrace …` as a user runs it, with oclif's data/cache/config dirs inside the temp tree. */
function millrace(...args: string[]) {
  return execa('node', [join(ROOT, 'bin', 'run.js'), ...args], {
    reject: false,
    env: {
      MILLRACE_DATA_DIR: join(home, 'data'),
      MILLRACE_CACHE_DIR: join(home, 'cache'),
      MILLRACE_CONFIG_DIR: join(home, 'config'),
      OCLIF_DISABLE_LINKED_ESM_WARNING: '1',
      OCLIF_SKIP_NEW_VERSION_CHECK: 'true',
    },
  });
}
const json = <T>(stdout: string) => JSON.parse(stdout) as T;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'millrace-e2e-compile-'));
  paths = workspacePaths(join(home, 'repo'));
  const init = await millrace('init', '--workspace', paths.workspaceRoot);
  expect(init.exitCode).toBe(0);
  // Until every shipped entrypoint and skill is packaged, stand in for the missing ones.
  for (const m of STAGE_METADATA) {
    for (const file of [entrypointPath(m), coreSkillPath(m)]) if (!existsSync(join(paths.runtimeRoot, file))) await writeRuntimeFile(paths, file, `# ${m.stage}\n`);
  }
});
afterAll(() => rm(home, { recursive: true, force: true }));

describe('millrace compile', () => {
  it('validate writes the plan and diagnostics; a second run leaves the unchanged plan byte-identical', async () => {
    const first = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--json');
    expect(first.exitCode).toBe(0);
    const { result } = json<JsonSuccess<CompileValidateResult>>(first.stdout);
    expect(result).toMatchObject({ ok: true, status: 'compiled', mode_id: 'default_codex', used_last_known_good: false, errors: [] });
    const planText = await readFile(paths.compiledPlan, 'utf8');
    expect(JSON.parse(planText)).toMatchObject({ kind: 'compiled_run_plan', mode_id: 'default_codex', compile_input_fingerprint: result.compile_input });

    const second = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--json');
    expect(json<JsonSuccess<CompileValidateResult>>(second.stdout).result.status).toBe('current');
    expect(await readFile(paths.compiledPlan, 'utf8')).toBe(planText);
  });

  it('every shipped mode compiles with the real runner plugins installed', async () => {
    for (const mode of ['default_pi', 'default_command', 'default_codex']) {
      const run = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--mode', mode, '--json');
      expect([mode, run.exitCode, run.stderr]).toEqual([mode, 0, '']);
      expect(json<JsonSuccess<CompileValidateResult>>(run.stdout).result).toMatchObject({ ok: true, mode_id: mode });
      expect(JSON.parse(await readFile(paths.compiledPlan, 'utf8'))).toMatchObject({ mode_id: mode });
    }
  }, 180_000);

  it('show lists entries, completion and every frozen node; --mode standard_plain is the default_codex plan', async () => {
    const shown = await millrace('compile', 'show', '-w', paths.workspaceRoot, '--mode', 'standard_plain', '--json');
    expect(shown.exitCode).toBe(0);
    const { plan } = json<JsonSuccess<CompileShowResult>>(shown.stdout).result;
    expect(plan?.compiled_plan_currentness).toBe('current');
    expect(plan?.mode_id).toBe('default_codex');
    expect(plan?.entries).toEqual([
      { plane: 'execution', entry_key: 'task', node_id: 'builder' },
      { plane: 'planning', entry_key: 'spec', node_id: 'planner' },
      { plane: 'planning', entry_key: 'incident', node_id: 'auditor' },
    ]);
    expect(plan?.completion).toMatchObject({ node_id: 'arbiter', trigger: 'backlog_drained' });
    expect(plan?.nodes.map((n) => `${n.plane}.${n.node_id}`)).toEqual([
      'execution.builder', 'execution.checker', 'execution.consultant', 'execution.doublechecker', 'execution.fixer', 'execution.troubleshooter', 'execution.updater',
      'planning.arbiter', 'planning.auditor', 'planning.manager', 'planning.mechanic', 'planning.planner',
    ]);

    const text = await millrace('compile', 'show', '-w', paths.workspaceRoot);
    expect(text.stdout).toContain('entry: execution.task -> builder');
    expect(text.stdout).toContain('completion: closure_target -> arbiter');
    expect(text.stdout).toMatch(/stage: execution\.builder\n {2}stage_kind_id: builder\n {2}running_status_marker: BUILDER_RUNNING/);
  });

  it('show --graph prints only a picture of the loops', async () => {
    const mermaid = await millrace('compile', 'show', '-w', paths.workspaceRoot, '--graph', 'mermaid');
    expect(mermaid.exitCode).toBe(0);
    expect(mermaid.stdout.split('\n')[0]).toBe('flowchart TD');
    expect(mermaid.stdout).toContain('execution__builder -->|"BUILDER_COMPLETE"| execution__checker');
    const dot = await millrace('compile', 'show', '-w', paths.workspaceRoot, '--graph', 'dot');
    expect(dot.stdout).toMatch(/^digraph "plan-default_codex-[0-9a-f]{12}" \{/);
    expect(dot.stdout).toContain('planning__entry_closure_target -> planning__arbiter [label="", style=dashed];');
  });

  it('a failing compile exits 1, keeps the last known good plan and records the diagnostics', async () => {
    const before = await readFile(paths.compiledPlan, 'utf8');
    const failed = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--mode', 'nope');
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toContain('used_last_known_good: true');
    expect(failed.stdout).toContain('error: Unknown mode id: nope (installed modes: ');
    expect(failed.stderr).toMatch(/^Error \(COMPILE_FAILED\): mode nope does not compile: Unknown mode id: nope/);
    expect(failed.stderr).toContain('Hint: the last known good plan is kept');
    const asJson = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--mode', 'nope', '--json');
    expect(asJson.exitCode).toBe(1);
    expect(json<JsonFailure>(asJson.stdout).error).toMatchObject({ code: 'COMPILE_FAILED', exitCode: 1, file: paths.compileDiagnostics });
    expect(await readFile(paths.compiledPlan, 'utf8')).toBe(before);
    expect(JSON.parse(await readFile(paths.compileDiagnostics, 'utf8'))).toMatchObject({ ok: false, mode_id: 'nope' });
  });

  it('refuses an uninitialized workspace without creating anything', async () => {
    const empty = join(home, 'empty');
    const result = await millrace('compile', 'validate', '-w', empty, '--json');
    expect(result.exitCode).toBe(4);
    expect(json<JsonFailure>(result.stdout).error.code).toBe('WORKSPACE_NOT_INITIALIZED');
    await expect(stat(join(empty, 'millrace-agents'))).rejects.toThrow();
  });
});

describe('millrace modes', () => {
  it('list shows the installed modes and the standard_plain alias', async () => {
    const listed = await millrace('modes', 'list', '--json');
    expect(listed.exitCode).toBe(0);
    const { result } = json<JsonSuccess<ModesListResult>>(listed.stdout);
    expect(result.modes.map((m) => m.mode_id)).toEqual(expect.arrayContaining(['default_codex', 'default_pi']));
    expect(result.aliases).toContainEqual({ alias: 'standard_plain', mode_id: 'default_codex' });
    expect((await millrace('modes', 'list')).stdout).toContain('default_codex: execution_loop=execution.standard planning_loop=planning.standard');
  });

  it('show resolves aliases and refuses unknown ids with exit 1', async () => {
    const shown = await millrace('modes', 'show', 'standard_plain', '--json');
    expect(json<JsonSuccess<ModesShowResult>>(shown.stdout).result).toMatchObject({ alias_of: 'default_codex', mode_id: 'default_codex', missing_runners: [] });
    const unknown = await millrace('modes', 'show', 'nope');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/^Error \(NOT_FOUND\): Unknown mode id: nope/);
  });
});

describe('a third-party plugin linked with `millrace plugins link`', () => {
  it('contributes a stage kind, loop and mode that compile exactly like the built-ins', async () => {
    const link = await millrace('plugins', 'link', REVIEW_PLUGIN, '--no-install');
    expect(link.exitCode).toBe(0);
    try {
      const missing = await millrace('compile', 'validate', '-w', paths.workspaceRoot, '--mode', 'review_codex', '--json');
      expect(missing.exitCode).toBe(1);
      expect(json<JsonFailure>(missing.stdout).error.message).toContain('Missing entrypoint file millrace-agents/entrypoints/execution/reviewer.md');

      await writeRuntimeFile(paths, 'entrypoints/execution/reviewer.md', '# Reviewer Entry Instructions\n');
      await writeRuntimeFile(paths, 'skills/stage/execution/reviewer-core/SKILL.md', '# reviewer core\n');
      const shown = await millrace('compile', 'show', '-w', paths.workspaceRoot, '--mode', 'review_codex', '--json');
      expect(shown.exitCode).toBe(0);
      const { plan } = json<JsonSuccess<CompileShowResult>>(shown.stdout).result;
      expect(plan?.loops[0]).toEqual({ plane: 'execution', loop_id: 'execution.review', contributed_by: { name: 'millrace-plugin-review-loop', version: '1.0.0', type: 'link' } });
      expect(plan?.nodes.find((n) => n.node_id === 'reviewer')).toMatchObject({ running_status_marker: 'REVIEWER_RUNNING', runner_name: 'codex_cli', model_name: 'gpt-5-review' });
      const graph = await millrace('compile', 'show', '-w', paths.workspaceRoot, '--mode', 'review_codex', '--graph', 'mermaid');
      expect(graph.stdout).toContain('execution__checker -->|"CHECKER_PASS"| execution__reviewer');
    } finally {
      expect((await millrace('plugins', 'unlink', 'millrace-plugin-review-loop')).exitCode).toBe(0);
    }
  }, 180_000);
});
