import { buildCodexCommand, permissionFlags, selectPermissionLevel } from '../../src/argv.js';
import { CodexRunnerConfigSchema, type CodexRunnerConfigInput } from '../../src/config.js';

const config = (input: CodexRunnerConfigInput = {}) => CodexRunnerConfigSchema.parse(input);
const request = (over: { stage?: 'builder' | 'checker'; model_name?: string | null; model_reasoning_effort?: string | null } = {}) => ({
  stage: over.stage ?? 'builder',
  model_name: over.model_name ?? null,
  model_reasoning_effort: over.model_reasoning_effort ?? null,
});
const build = (cfg: CodexRunnerConfigInput, req = request()) =>
  buildCodexCommand({ config: config(cfg), request: req, workspaceRoot: '/ws', lastMessagePath: '/ws/run/last.txt', prompt: 'PROMPT' });

describe('buildCodexCommand', () => {
  it('builds the default command line in the spec order', () => {
    expect(build({}, request({ model_name: 'gpt-5' }))).toEqual([
      'codex', 'exec', '--skip-git-repo-check', '--model', 'gpt-5', '--sandbox', 'workspace-write',
      '--cd', '/ws', '--json', '--output-last-message', '/ws/run/last.txt', 'PROMPT',
    ]);
  });

  it('places profile, extra_config and the reasoning effort so that the effort overrides extra_config', () => {
    const argv = build({ command: '/opt/codex', args: ['exec', '--ephemeral'], profile: 'work', skip_git_repo_check: false, permission_default: 'basic', extra_config: ['a=1', 'model_reasoning_effort="low"'] }, request({ model_reasoning_effort: 'high' }));
    expect(argv).toEqual([
      '/opt/codex', 'exec', '--ephemeral', '--profile', 'work', '--sandbox', 'workspace-write',
      '-c', 'a=1', '-c', 'model_reasoning_effort="low"', '-c', 'model_reasoning_effort="high"',
      '--cd', '/ws', '--json', '--output-last-message', '/ws/run/last.txt', 'PROMPT',
    ]);
  });

  it('falls back to the configured reasoning effort and omits --model without a model', () => {
    const argv = build({ model_reasoning_effort: 'medium' });
    expect(argv).not.toContain('--model');
    expect(argv.slice(argv.indexOf('-c'), argv.indexOf('-c') + 2)).toEqual(['-c', 'model_reasoning_effort="medium"']);
  });

  it('accepts empty leading args and keeps the prompt as the last element', () => {
    const argv = build({ args: [] });
    expect(argv[0]).toBe('codex');
    expect(argv[1]).toBe('--skip-git-repo-check');
    expect(argv.at(-1)).toBe('PROMPT');
  });
});

describe('permission levels', () => {
  it('maps every level to flags codex 0.169 accepts (no --full-auto)', () => {
    expect(permissionFlags('basic')).toEqual(['--sandbox', 'workspace-write']);
    expect(permissionFlags('elevated')).toEqual(['-c', 'approval_policy="never"', '--sandbox', 'danger-full-access']);
    expect(permissionFlags('maximum')).toEqual(['--dangerously-bypass-approvals-and-sandbox']);
    for (const level of ['basic', 'elevated', 'maximum'] as const) expect(permissionFlags(level)).not.toContain('--full-auto');
  });

  it('resolves stage override, then model override, then the default', () => {
    const cfg = config({ permission_default: 'elevated', permission_by_stage: { checker: 'basic' }, permission_by_model: { 'gpt-5': 'maximum' } });
    expect(selectPermissionLevel(cfg, 'checker', 'gpt-5')).toBe('basic');
    expect(selectPermissionLevel(cfg, 'builder', 'gpt-5')).toBe('maximum');
    expect(selectPermissionLevel(cfg, 'builder', 'other')).toBe('elevated');
    expect(selectPermissionLevel(cfg, 'builder', null)).toBe('elevated');
  });

  it('puts the resolved flags into the command line', () => {
    const cfg = { permission_by_stage: { checker: 'basic' as const }, permission_by_model: { m: 'elevated' as const } };
    expect(build(cfg, request({ stage: 'checker', model_name: 'm' }))).toContain('workspace-write');
    expect(build(cfg, request({ stage: 'builder', model_name: 'm' }))).toContain('danger-full-access');
    expect(build(cfg, request({ stage: 'builder' }))).toContain('workspace-write');
    expect(build({ ...cfg, permission_default: 'maximum' }, request({ stage: 'builder' }))).toContain('--dangerously-bypass-approvals-and-sandbox');
  });
});
