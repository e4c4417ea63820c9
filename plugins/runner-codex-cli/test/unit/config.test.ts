import { CodexRunnerConfigSchema } from '../../src/config.js';

describe('CodexRunnerConfigSchema', () => {
  it('fills the documented defaults', () => {
    expect(CodexRunnerConfigSchema.parse({})).toEqual({
      command: 'codex',
      args: ['exec'],
      profile: null,
      permission_default: 'basic',
      permission_by_stage: {},
      permission_by_model: {},
      model_reasoning_effort: null,
      skip_git_repo_check: true,
      extra_config: [],
      env: {},
    });
  });

  it('names unknown stages in permission_by_stage, sorted', () => {
    const result = CodexRunnerConfigSchema.safeParse({ permission_by_stage: { zeta: 'basic', builder: 'basic', alpha: 'basic' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('unknown stage names in runners.codex.permission_by_stage: alpha, zeta');
  });

  it('rejects unknown keys, unknown levels and unknown efforts', () => {
    expect(CodexRunnerConfigSchema.safeParse({ full_auto: true }).success).toBe(false);
    expect(CodexRunnerConfigSchema.safeParse({ permission_default: 'root' }).success).toBe(false);
    expect(CodexRunnerConfigSchema.safeParse({ model_reasoning_effort: 'extreme' }).success).toBe(false);
    expect(CodexRunnerConfigSchema.safeParse({ env: { A: 1 } }).success).toBe(false);
  });
});
