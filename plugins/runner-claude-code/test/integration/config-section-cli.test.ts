import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// The host validates `[runners.claude]` with this plugin's schema: errors name the file and the field.
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../bin/run.js');
const millrace = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });

let ws: string;
beforeAll(async () => {
  ws = join(await mkdtemp(join(tmpdir(), 'millrace-claude-config-')), 'ws');
  await mkdir(ws, { recursive: true });
  expect((await millrace(['init', '-w', ws, '--json'])).exitCode).toBe(0);
});
afterAll(() => rm(dirname(ws), { recursive: true, force: true }));

it('rejects a reserved flag in runners.claude.args with one line naming file and field, changing nothing', async () => {
  const toml = join(ws, 'millrace-agents/millrace.toml');
  const content = '[runners.claude]\nargs = ["--add-dir", "/data", "--permission-mode=plan"]\n';
  await writeFile(toml, content);
  const json = await millrace(['config', 'validate', '-w', ws, '--json']);
  expect(json.exitCode).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({
    status: 1,
    error: {
      code: 'CONFIG_INVALID',
      message: 'millrace-agents/millrace.toml: runners.claude.args: reserved claude runner flags are not allowed in runners.claude.args: --permission-mode=plan (schema of @millrace/runner-claude-code)',
      field: 'runners.claude.args',
    },
  });
  expect(await readFile(toml, 'utf8')).toBe(content);
});

it('lists default_claude with the standard loops and every stage on claude_code', async () => {
  const modes = await millrace(['modes', 'list', '--json']);
  expect(modes.exitCode).toBe(0);
  const listed = (JSON.parse(modes.stdout) as { result: { modes: Array<{ mode_id: string }> } }).result.modes.find((m) => m.mode_id === 'default_claude');
  expect(listed).toMatchObject({ plugin: '@millrace/runner-claude-code', loops: { execution: 'execution.standard', planning: 'planning.standard' }, runners: ['claude_code'] });
});
