import { findReservedClaudeFlags, parseClaudeRunnerConfig } from '../../src/config.js';

describe('[runners.claude] config', () => {
  it('fills every documented default', () => {
    expect(parseClaudeRunnerConfig(undefined)).toEqual({
      command: 'claude',
      args: [],
      model: null,
      permission_default: 'basic',
      permission_by_stage: {},
      max_turns: null,
      home: 'inherit',
      session_persistence: false,
      env: {},
      event_log_policy: 'failure_full',
      timeout_seconds: null,
      stall_timeout_seconds: null,
    });
  });

  it('refuses reserved flags, bare or as --flag=value, naming the field', () => {
    expect(findReservedClaudeFlags(['--add-dir', '/x', '--model=opus', '-p', '--verbose', '--debug'])).toEqual(['--model=opus', '-p', '--verbose']);
    expect(() => parseClaudeRunnerConfig({ args: ['--permission-mode=plan'] })).toThrow(
      'runners.claude.args: reserved claude runner flags are not allowed in runners.claude.args: --permission-mode=plan',
    );
    expect(() => parseClaudeRunnerConfig({ args: ['--resume', 'abc'] })).toThrow('--resume');
  });

  it('refuses unknown keys, unknown stages, bad levels, a relative home and non-positive timeouts', () => {
    expect(() => parseClaudeRunnerConfig({ sandbox: true })).toThrow(/^runners\.claude/);
    expect(() => parseClaudeRunnerConfig({ permission_by_stage: { bilder: 'basic' } })).toThrow('unknown stage names in runners.claude.permission_by_stage: bilder');
    expect(() => parseClaudeRunnerConfig({ permission_default: 'root' })).toThrow(/^runners\.claude\.permission_default/);
    expect(() => parseClaudeRunnerConfig({ home: 'relative/dir' })).toThrow(/^runners\.claude\.home/);
    expect(() => parseClaudeRunnerConfig({ stall_timeout_seconds: -1 })).toThrow(/^runners\.claude\.stall_timeout_seconds/);
    expect(() => parseClaudeRunnerConfig({ timeout_seconds: 0 })).toThrow(/^runners\.claude\.timeout_seconds/);
    expect(parseClaudeRunnerConfig({ stall_timeout_seconds: 0 }).stall_timeout_seconds).toBe(0);
    // longer than a Node.js timer holds
    expect(() => parseClaudeRunnerConfig({ timeout_seconds: 2147484 })).toThrow('runners.claude.timeout_seconds: must be at most 2147483 seconds');
    expect(() => parseClaudeRunnerConfig({ stall_timeout_seconds: 2147484 })).toThrow(/^runners\.claude\.stall_timeout_seconds/);
    expect(parseClaudeRunnerConfig({ home: '/tmp/claude-home', permission_by_stage: { checker: 'elevated' } })).toMatchObject({ home: '/tmp/claude-home', permission_by_stage: { checker: 'elevated' } });
  });
});
