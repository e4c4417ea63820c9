import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// The host validates `[runners.pi]` with this plugin's schema: errors name the file and the field.
const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../bin/run.js');
const millrace = (args: string[]) => execa(process.execPath, [BIN, ...args], { reject: false, env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true' } });

let ws: string;
beforeAll(async () => {
  ws = join(await mkdtemp(join(tmpdir(), 'millrace-pi-config-')), 'ws');
  await mkdir(ws, { recursive: true });
  expect((await millrace(['init', '-w', ws, '--json'])).exitCode).toBe(0);
});
afterAll(() => rm(dirname(ws), { recursive: true, force: true }));

it('rejects a reserved flag in runners.pi.args with one line naming file and field, in text and --json, changing nothing', async () => {
  const toml = join(ws, 'millrace-agents/millrace.toml');
  const content = '[runners.pi]\nargs = ["--offline", "--model=gpt-5"]\n';
  await writeFile(toml, content);
  const expected = 'millrace-agents/millrace.toml: runners.pi.args: reserved pi runner flags are not allowed in runners.pi.args: --model=gpt-5 (schema of @millrace/runner-pi-rpc)';

  const text = await millrace(['config', 'validate', '-w', ws]);
  expect(text.exitCode).toBe(1);
  expect(text.stderr.split('\n')[0]).toBe(`Error (CONFIG_INVALID): ${expected}`);

  const json = await millrace(['config', 'validate', '-w', ws, '--json']);
  expect(json.exitCode).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({ status: 1, error: { code: 'CONFIG_INVALID', message: expected, file: 'millrace-agents/millrace.toml', field: 'runners.pi.args' } });
  expect(await readFile(toml, 'utf8')).toBe(content);
});

it('lists default_pi with the standard loops and every stage on pi_rpc', async () => {
  const modes = await millrace(['modes', 'list', '--json']);
  expect(modes.exitCode).toBe(0);
  const listed = (JSON.parse(modes.stdout) as { result: { modes: Array<{ mode_id: string }> } }).result.modes.find((m) => m.mode_id === 'default_pi');
  expect(listed).toMatchObject({ plugin: '@millrace/runner-pi-rpc', loops: { execution: 'execution.standard', planning: 'planning.standard' }, runners: ['pi_rpc'] });
});
