import { buildPiArgv, selectPiModel } from '../../src/argv.js';
import { PiRunnerConfigSchema } from '../../src/config.js';

const config = (input: object = {}) => PiRunnerConfigSchema.parse(input);

describe('buildPiArgv', () => {
  it('builds the default command line with the model always explicit', () => {
    expect(buildPiArgv(config(), 'openai/gpt-5.4')).toEqual({
      command: 'pi',
      args: ['--mode', 'rpc', '--no-session', '--model', 'openai/gpt-5.4', '--no-context-files', '--no-skills'],
    });
  });

  it('puts configured args first, then provider, model and thinking, and omits disabled switches', () => {
    const line = buildPiArgv(config({ command: '/opt/pi', args: ['--offline', '--no-extensions'], provider: 'fake', thinking: 'high', disable_context_files: false, disable_skills: false }), 'fake-model');
    expect(line).toEqual({ command: '/opt/pi', args: ['--offline', '--no-extensions', '--mode', 'rpc', '--no-session', '--provider', 'fake', '--model', 'fake-model', '--thinking', 'high'] });
  });
});

describe('selectPiModel', () => {
  it('prefers the request model, falls back to runners.pi.model, else null', () => {
    expect(selectPiModel('gpt-5', config({ model: 'other' }))).toBe('gpt-5');
    expect(selectPiModel('  ', config({ model: 'other' }))).toBe('other');
    expect(selectPiModel(null, config())).toBeNull();
  });
});
