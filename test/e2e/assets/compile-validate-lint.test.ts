import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { CompileValidateResult } from '../../../src/commands/compile/validate.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { withTempTree } from '../../support/temp-tree.js';

/** `millrace compile validate` runs the entrypoint lint over the workspace's deployed entrypoints and skills. */

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'run.js');
const millrace = (args: string[]) => execa('node', [BIN, ...args], { reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });

describe('compile validate with the entrypoint lint', () => {
  it('passes on freshly deployed assets; a foreign marker in an entrypoint is a warning naming file and marker; a missing entrypoint fails', async () => {
    await withTempTree(async (root) => {
      expect((await millrace(['init', '--workspace', root])).exitCode).toBe(0);
      const paths = workspacePaths(root);

      const clean = await millrace(['compile', 'validate', '--workspace', root, '--json']);
      expect(clean.exitCode).toBe(0);
      const ok = JSON.parse(clean.stdout) as { status: number; result: CompileValidateResult };
      expect(ok.result.errors).toEqual([]);
      expect(ok.result.warnings.filter((w) => w.startsWith('entrypoint lint'))).toEqual([]);

      const checker = join(paths.entrypoints, 'execution', 'checker.md');
      writeFileSync(checker, `${readFileSync(checker, 'utf8')}\nIf in doubt, print \`### BUILDER_COMPLETE\`.\n`);

      const json = await millrace(['compile', 'validate', '--workspace', root, '--json']);
      expect(json.exitCode).toBe(0);
      const warned = JSON.parse(json.stdout) as { status: number; result: CompileValidateResult };
      expect(warned.result.ok).toBe(true);
      expect(warned.result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^entrypoint lint: entrypoints\/execution\/checker\.md:\d+: names marker ### BUILDER_COMPLETE, which stage checker cannot emit/)]));
      const doctor = await millrace(['doctor', '--workspace', root]);
      expect(doctor.stdout).toMatch(/^warning: asset_lint_marker_illegal millrace-agents\/entrypoints\/execution\/checker\.md entrypoints\/execution\/checker\.md:\d+: names marker ### BUILDER_COMPLETE/m);

      rmSync(checker);
      const text = await millrace(['compile', 'validate', '--workspace', root]);
      expect(text.exitCode).toBe(1);
      expect(text.stdout).toContain('ok: false');
      expect(text.stdout).toContain('entrypoints/execution/checker.md');
      expect(text.stderr.split('\n')[0]).toMatch(/^Error \(COMPILE_FAILED\): .*entrypoints\/execution\/checker\.md/);
      expect(existsSync(paths.compiledPlan)).toBe(true);
    });
  }, 120_000);

  it('an operator-edited entrypoint without its marker section is a warning: compile succeeds and doctor shows it', async () => {
    await withTempTree(async (root) => {
      expect((await millrace(['init', '--workspace', root])).exitCode).toBe(0);
      const paths = workspacePaths(root);
      const builder = join(paths.entrypoints, 'execution', 'builder.md');
      const edited = readFileSync(builder, 'utf8').replace(/^## Legal terminal markers[\s\S]*?(?=^## |(?![\s\S]))/m, '');
      expect(edited).not.toMatch(/Legal terminal markers/);
      writeFileSync(builder, edited);

      const text = await millrace(['compile', 'validate', '--workspace', root]);
      expect({ exit: text.exitCode, stderr: text.stderr }).toEqual({ exit: 0, stderr: '' });
      expect(text.stdout).toContain('ok: true');
      expect(text.stdout).toContain('warning: entrypoint lint: entrypoints/execution/builder.md: has no "## Legal terminal markers" section');
      const json = JSON.parse((await millrace(['compile', 'validate', '--workspace', root, '--json'])).stdout) as { status: number; result: CompileValidateResult; warnings: string[] };
      expect(json.status).toBe(0);
      expect(json.result.warnings).toContain('entrypoint lint: entrypoints/execution/builder.md: has no "## Legal terminal markers" section');

      const doctor = await millrace(['doctor', '--workspace', root]);
      expect(doctor.stdout).toContain('warning: asset_lint_marker_section_missing millrace-agents/entrypoints/execution/builder.md entrypoints/execution/builder.md: has no "## Legal terminal markers" section');
      expect(doctor.stdout).not.toMatch(/^error: asset_lint/m);
    });
  }, 120_000);
});
