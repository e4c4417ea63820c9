import { MillraceConfigSchema } from '../../../src/contracts/config.js';
import { attributeIssues, configInvalidError } from '../../../src/config/config-issues.js';
import { validateRunnerSections } from '../../../src/config/runner-sections.js';
import { unknownStageIssues } from '../../../src/config/stage-names.js';
import { z } from 'zod';

describe('attributeIssues', () => {
  it('names the file that set the key, the dotted path, and expected vs received', () => {
    const input = { runtime: { idle_sleep_seconds: 'fast' }, stages: { buidler: { model: 'm' } }, compile: {} };
    const parsed = MillraceConfigSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issues = [...unknownStageIssues(input.stages), ...parsed.error!.issues];
    const problems = attributeIssues(issues, { 'runtime.idle_sleep_seconds': 'millrace-agents/millrace.toml', 'stages.buidler.model': '.millracerc', compile: '.millracerc' });
    const lines = problems.map((p) => `${p.file}: ${p.key}: ${p.message}`).sort();
    expect(lines).toEqual([
      '.millracerc: compile: unknown section',
      '.millracerc: stages.buidler: unknown stage name',
      'millrace-agents/millrace.toml: runtime.idle_sleep_seconds: Invalid input: expected number, received string',
    ]);
  });

  it('accepts shipped, learning and contributed stage names as [stages.*] keys, and nothing else', () => {
    expect(unknownStageIssues({ builder: {}, analyst: {}, reviewer: {} }, ['reviewer'])).toEqual([]);
    expect(unknownStageIssues({ builder: {}, reviewer: {}, buidler: {} })).toEqual([{ code: 'unrecognized_keys', path: ['stages'], keys: ['reviewer', 'buidler'], message: 'unknown stage name' }]);
    expect(unknownStageIssues(undefined)).toEqual([]);
  });

  it('builds one CONFIG_INVALID error with one line per problem and exit code 1', () => {
    const error = configInvalidError([
      { file: 'a', key: 'x.y', message: 'bad' },
      { file: 'b', key: 'z', message: 'worse' },
    ]);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('a: x.y: bad\nb: z: worse');
    expect(error).toMatchObject({ file: 'a', field: 'x.y' });
  });
});

describe('validateRunnerSections', () => {
  const schema = z.strictObject({ command: z.string().default('echo'), verbose: z.boolean().default(false) });
  const source = { runners: new Map([['echo', { item: { id: 'echo', configSection: 'echo', configSchema: schema }, plugin: { name: 'plugin-echo' } }]]) };

  it('applies the plugin schema and its defaults, and warns about unclaimed sections', () => {
    const result = validateRunnerSections({ default_runner: 'echo', echo: { verbose: true }, mystery: { a: 1 } }, source, {});
    expect(result.problems).toEqual([]);
    expect(result.runners.echo).toEqual({ command: 'echo', verbose: true });
    expect(result.runners.mystery).toEqual({ a: 1 });
    expect(result.warnings).toEqual(['runners.mystery: no installed runner plugin declares this config section; it is not validated']);
  });

  it('fills in a declared section that no file sets', () => {
    expect(validateRunnerSections({ default_runner: 'echo' }, source, {}).runners.echo).toEqual({ command: 'echo', verbose: false });
  });

  it('reports schema failures under runners.<section> with the plugin name and file', () => {
    const result = validateRunnerSections({ default_runner: 'echo', echo: { verbose: 'yes' } }, source, { 'runners.echo.verbose': '.millracerc.json' });
    expect(result.problems).toEqual([
      { file: '.millracerc.json', key: 'runners.echo.verbose', message: 'Invalid input: expected boolean, received string (schema of plugin-echo)' },
    ]);
  });
});
