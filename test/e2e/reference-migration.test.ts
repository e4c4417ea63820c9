import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonOf, runCli } from '../support/cli.js';
import { createReferenceWorkspace } from '../support/reference-workspace.js';
import { FAKE_AGENT, mdIn } from '../support/runtime-workspace.js';
import type { MigrateResult } from '../../src/commands/migrate.js';
import type { CompileValidateResult } from '../../src/commands/compile/validate.js';

/**
 * An operator moving over from the Python reference: a workspace shaped like one the reference initialized and ran
 * validates, compiles with lint warnings naming the reference's files, is migrated onto the shipped assets (everything
 * replaced or retired is moved aside, never deleted), then compiles clean and runs with the command runner.
 */
describe('migration from a workspace the Python reference created', () => {
  let root = '';
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = '';
  });

  it('config validate -> compile validate (warnings) -> upgrade refuses -> migrate (report) -> compile validate clean -> run once', async () => {
    const ws = await createReferenceWorkspace();
    root = ws.root;
    const cli = (...args: string[]) => runCli([...args, '-w', root]);
    const before = new Map(ws.assets.map((p) => [p, readFileSync(join(ws.runtime, p))]));

    const config = await cli('config', 'validate');
    expect(config.exitCode).toBe(0);
    expect(config.stdout).toContain('config: valid (millrace-agents/millrace.toml)\ncompile: compiled mode=default_codex');

    // The reference's entrypoints name status markers their stage cannot emit and have no marker section: warnings.
    const compiled = await cli('compile', 'validate');
    expect({ exit: compiled.exitCode, errors: compiled.stdout.split('\n').filter((l) => l.startsWith('error:')) }).toEqual({ exit: 0, errors: [] });
    expect(compiled.stdout).toContain('ok: true');
    expect(compiled.stdout).toMatch(/^warning: entrypoint lint: entrypoints\/execution\/builder\.md:\d+: names marker ### BUILDER_RUNNING, which stage builder cannot emit/m);
    expect(compiled.stdout).toContain('warning: entrypoint lint: entrypoints/planning/planner.md: has no "## Legal terminal markers" section');
    const doctor = await cli('doctor');
    expect(doctor.stdout).toMatch(/^warning: asset_lint_marker_illegal millrace-agents\/entrypoints\/planning\/arbiter\.md /m);
    expect(doctor.stdout).not.toMatch(/^error: asset_lint/m);

    // upgrade keeps its contract (conflicts refuse the apply) and points at migrate.
    const upgrade = await cli('upgrade', '--apply');
    expect(upgrade.exitCode).toBe(1);
    expect(upgrade.stderr).toContain('upgrade conflict(s) detected: entrypoints/__init__.py');
    expect(upgrade.stderr).toContain('millrace migrate');

    const preview = jsonOf<{ result: MigrateResult }>(await cli('migrate', '--json')).result;
    expect(preview).toMatchObject({ applied: false, from_seed_package_version: '0.16.2', counts: { convert: 26, replace_edited: 1, set_aside: 42, restore: 0, drop: 0, blocked: 0 } });
    for (const [path, bytes] of before) expect({ path, same: readFileSync(join(ws.runtime, path)).equals(bytes) }).toEqual({ path, same: true });

    writeFileSync(join(ws.runtime, 'skills', 'shared', 'OPERATOR-NOTES.md'), 'mine\n');
    const applied = await cli('migrate', '--apply');
    expect(applied.exitCode).toBe(0);
    const lines = applied.stdout.split('\n');
    expect(lines).toEqual(expect.arrayContaining(['applied: true', 'seed_package_version: 0.16.2 -> 0.1.0', 'convert: 26', 'replace_edited: 1', 'set_aside: 42', 'blocked: 0']));
    const aside = /^set_aside_dir: (millrace-agents\/migration\/\d{8}T\d{6}Z)$/m.exec(applied.stdout)?.[1];
    expect(aside).toBeDefined();
    expect(lines).toContain(`entry: entrypoints/execution/checker.md replace_edited (moved to ${aside}/entrypoints/execution/checker.md)`);
    expect(lines).toContain(`entry: entrypoints/linting.py set_aside (moved to ${aside}/entrypoints/linting.py)`);
    expect(lines).toContain(`entry: modes/default_codex.json set_aside (moved to ${aside}/modes/default_codex.json)`);
    // Nothing was deleted: every file of the reference (the operator's edit included) is in place or in the set-aside folder.
    const checkerEdit = readFileSync(join(root, aside!, ws.editedByOperator), 'utf8');
    expect(checkerEdit).toContain('Always run `npm run lint`');
    for (const path of ws.assets) {
      if (path === ws.editedByOperator) continue;
      const kept = join(ws.runtime, path);
      const moved = join(root, aside!, path);
      const found = existsSync(moved) ? readFileSync(moved) : readFileSync(kept);
      expect({ path, same: found.equals(before.get(path)!) }).toEqual({ path, same: true });
    }
    expect(existsSync(join(ws.runtime, 'entrypoints', 'learning', 'analyst.md'))).toBe(false);
    // Folders the moves emptied are removed, unless they belong to the layout `init` creates (modes/, loops/...); one
    // still holding a file the operator put there stays, with the file.
    expect(lines).toEqual(expect.arrayContaining(['removed empty folder: millrace-agents/entrypoints/learning', 'removed empty folder: millrace-agents/skills/millrace-skill-creator/scripts']));
    expect(lines.filter((l) => /^removed empty folder: millrace-agents\/(modes|loops|registry)/.test(l))).toEqual([]);
    expect(lines).not.toContain('removed empty folder: millrace-agents/skills/shared');
    expect(readFileSync(join(ws.runtime, 'skills', 'shared', 'OPERATOR-NOTES.md'), 'utf8')).toBe('mine\n');
    expect(['entrypoints/learning', 'skills/millrace-skill-creator'].filter((d) => existsSync(join(ws.runtime, d)))).toEqual([]);
    expect(['modes', 'loops/execution', 'registry/stage_kinds/planning'].filter((d) => !existsSync(join(ws.runtime, d)))).toEqual([]);
    expect(readFileSync(join(ws.runtime, 'entrypoints', 'execution', 'builder.md'), 'utf8')).toMatch(/^## Legal terminal markers$/m);
    // The work documents, state and config are not touched.
    expect(mdIn(join(ws.runtime, 'tasks', 'queue'))).toEqual(['task-2026-04-15-add-login.md']);
    expect(mdIn(join(ws.runtime, 'specs', 'active'))).toEqual(['idea-auth.md']);

    // The operator points the workspace at a command runner; everything compiles without a warning.
    const toml = join(ws.runtime, 'millrace.toml');
    writeFileSync(toml, `${readFileSync(toml, 'utf8').replace('default_mode = "default_codex"', 'default_mode = "default_command"').replace('permission_default = "maximum"', 'permission_default = "basic"')}\n[runners.command]\ncommand = "node"\nargs = [${JSON.stringify(FAKE_AGENT)}]\n`);
    const clean = jsonOf<{ status: number; result: CompileValidateResult; warnings: string[] }>(await cli('compile', 'validate', '--json'));
    expect(clean).toMatchObject({ status: 0, result: { ok: true, errors: [], warnings: [] } });
    expect((await cli('upgrade')).stdout).toContain('conflict: 0');

    // The reference's planner run was left active by a dead daemon: run once carries on from there.
    const once = await cli('run', 'once');
    expect({ exit: once.exitCode, stderr: once.stderr }).toMatchObject({ exit: 0 });
    expect(once.stdout).toMatch(/^stage: (planner|mechanic)$/m);
    expect(once.stdout).toMatch(/^terminal_result: (PLANNER|MECHANIC)_COMPLETE$/m);
    const status = await cli('status');
    expect(status.stdout).toContain('baseline_seed_package_version: 0.1.0');
  }, 600_000);
});
