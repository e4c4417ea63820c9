import { execa } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonSuccess } from '../../src/cli/base-command.js';
import type { PluginsResult } from '../../src/commands/plugins/index.js';
import type { StatusResult } from '../../src/commands/status/index.js';
import { OUTCOME_EXIT_CODES } from '../../src/errors/millrace-error.js';
import { BIN, jsonOf, REPO_ROOT, runCli } from '../support/cli.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('CLI conventions', () => {
  let home: string;
  let ws: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'millrace-cli-conv-'));
    ws = join(home, 'repo');
    expect((await runCli(['init', '-w', ws])).exitCode).toBe(0);
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('-v and --version print the version; the version command is installed', async () => {
    for (const flag of ['-v', '--version']) {
      const r = await runCli([flag]);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^millrace/${VERSION.replace(/\./g, '\\.')} \\S+ node-v\\d+`));
    }
    const version = await runCli(['version']);
    expect(version.stdout).toContain(`millrace/${VERSION}`);
    // bin/run.js answers -v without oclif unless user plugins are installed; both print oclif's line.
    expect((await runCli(['-v'])).stdout).toBe(version.stdout);
    const dataDir = join(home, 'data-with-plugins');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'package.json'), JSON.stringify({ private: true, oclif: { plugins: [] } }));
    const viaOclif = await runCli(['--version'], { env: { MILLRACE_DATA_DIR: dataDir } });
    expect(viaOclif.exitCode).toBe(0);
    expect(viaOclif.stdout).toBe(version.stdout);
  });

  it('the global --workspace works before the command, in every spelling', async () => {
    const after = await runCli(['status', '--workspace', ws, '--json']);
    expect(after.exitCode).toBe(0);
    for (const leading of [['--workspace', ws], ['-w', ws], [`--workspace=${ws}`]]) {
      const r = await runCli([...leading, 'status', '--json']);
      expect({ leading, exit: r.exitCode, stderr: r.stderr }).toEqual({ leading, exit: 0, stderr: '' });
      expect(jsonOf<JsonSuccess<StatusResult>>(r).result.workspace).toBe(ws);
    }
    const alone = await runCli(['--workspace', ws]);
    expect(alone.exitCode).toBe(2);
    expect(alone.stderr).toBe('Error (USAGE): --workspace needs a command after it, e.g. `millrace --workspace DIR status`');
    const topic = await runCli(['--workspace', ws, 'queue', 'ls']);
    expect(topic.exitCode).toBe(0);
    expect(topic.stdout).toContain('execution_queue_depth: 0');
  });

  it('an unknown command says so and exits 127; in a terminal it offers the closest command and runs it on yes', async () => {
    const r = await runCli(['statsu', '-w', ws]);
    expect(r.exitCode).toBe(OUTCOME_EXIT_CODES.UNKNOWN_COMMAND);
    expect(r.stderr).toContain('statsu is not a millrace command.');
    expect(r.stderr).toContain('Run millrace help for a list of available commands.');

    // `script` gives the CLI a pseudo-terminal, where @oclif/plugin-not-found asks "Did you mean ...?".
    const child = execa('script', ['-qec', `node ${JSON.stringify(BIN)} statsu -w ${JSON.stringify(ws)}`, '/dev/null'], {
      env: { OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1' },
      reject: false,
      timeout: 90_000,
    });
    let seen = '';
    let answered = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (!answered && seen.includes('Did you mean status?')) {
        answered = true;
        child.stdin?.write('y\r');
      }
    });
    const done = await child;
    expect(answered).toBe(true);
    expect(done.exitCode).toBe(0);
    expect(seen).toContain(`workspace: ${ws}`);
    expect(seen).toContain('execution_queue_depth: 0');
  }, 120_000);

  it('autocomplete builds a bash completion that completes millrace commands', async () => {
    const cache = join(home, 'cache');
    expect((await runCli(['autocomplete', '--refresh-cache'], { env: { MILLRACE_CACHE_DIR: cache } })).exitCode).toBe(0);
    const setup = await runCli(['autocomplete', 'script', 'bash'], { env: { MILLRACE_CACHE_DIR: cache } });
    expect(setup.exitCode).toBe(0);
    expect(setup.stdout).toContain('MILLRACE_AC_BASH_SETUP_PATH=');
    const completion = join(cache, 'autocomplete', 'functions', 'bash', 'millrace.bash');
    expect(existsSync(completion)).toBe(true);
    const script = `source ${JSON.stringify(completion)}; COMP_WORDS=(millrace queue ad); COMP_CWORD=2; COMP_LINE='millrace queue ad'; _millrace_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const r = await execa('bash', ['-c', script]);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining(['add-task', 'add-spec', 'add-idea']));
  }, 60_000);

  it('plugins --json prints the documented envelope', async () => {
    const r = await runCli(['plugins', '--json']);
    expect(r.exitCode).toBe(0);
    const envelope = jsonOf<JsonSuccess<PluginsResult>>(r);
    expect(Object.keys(envelope).sort()).toEqual(['result', 'status', 'warnings']);
    expect(envelope.status).toBe(0);
    expect(envelope.warnings).toEqual([]);
    expect(envelope.result).toEqual(
      expect.arrayContaining([
        { name: '@millrace/runner-command', version: VERSION, type: 'core', root: join(REPO_ROOT, 'plugins', 'runner-command') },
        expect.objectContaining({ name: '@oclif/plugin-not-found', type: 'core' }),
        expect.objectContaining({ name: '@oclif/plugin-autocomplete', type: 'core' }),
        expect.objectContaining({ name: '@oclif/plugin-version', type: 'core' }),
      ]),
    );
    expect((await runCli(['plugins'])).stdout).toBe('No plugins installed.');
  });

  it('status watch --json prints one envelope per update, one per line (NDJSON)', async () => {
    const r = await runCli(['status', 'watch', '-w', ws, '--json', '--max-updates', '3', '--interval-seconds', '0']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const envelope = JSON.parse(line) as JsonSuccess<StatusResult>;
      expect(envelope).toMatchObject({ status: 0, warnings: [], result: { workspace: ws, execution_queue_depth: 0 } });
    }
    const missing = await runCli(['status', 'watch', '-w', join(home, 'nowhere'), '--json', '--max-updates', '1']);
    expect(missing.exitCode).toBe(4);
    expect(missing.stdout.split('\n')).toHaveLength(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 4, error: { code: 'WORKSPACE_NOT_INITIALIZED' } });
  });
});
