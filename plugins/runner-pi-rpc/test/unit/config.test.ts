import { findReservedPiFlags, parsePiRunnerConfig, PiRunnerConfigSchema } from '../../src/config.js';

describe('PiRunnerConfigSchema', () => {
  it('fills every documented default from an absent section', () => {
    expect(parsePiRunnerConfig(undefined)).toEqual({
      command: 'pi',
      args: [],
      provider: null,
      model: null,
      thinking: null,
      disable_context_files: true,
      disable_skills: true,
      event_log_policy: 'failure_full',
      env: {},
    });
  });

  it('rejects reserved flags in args, bare or in --flag=value form, naming them all', () => {
    expect(findReservedPiFlags(['--offline', '--mode=rpc', '--model', 'x', '--no-skills-please'])).toEqual(['--mode=rpc', '--model']);
    expect(() => parsePiRunnerConfig({ args: ['--mode=rpc', '--thinking'] })).toThrow('runners.pi.args: reserved pi runner flags are not allowed in runners.pi.args: --mode=rpc, --thinking');
  });

  it('rejects unknown keys and bad policy values with the dotted field path', () => {
    expect(() => parsePiRunnerConfig({ retries: 3 })).toThrow(/^runners\.pi: /);
    expect(() => parsePiRunnerConfig({ event_log_policy: 'always' })).toThrow(/^runners\.pi\.event_log_policy: /);
    expect(PiRunnerConfigSchema.safeParse({ env: { A: 1 } }).success).toBe(false);
  });
});
