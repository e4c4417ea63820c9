import { buildClaudeCommand, buildClaudeEnv, launchRefusal, permissionFlags, selectClaudeModel } from '../../src/argv.js';
import { parseClaudeRunnerConfig } from '../../src/config.js';

describe('claude command line', () => {
  it('builds the headless stream-json command with the basic permission mapping and no prompt in argv', () => {
    const config = parseClaudeRunnerConfig({ command: '/opt/claude', args: ['--add-dir', '/data'], max_turns: 30 });
    expect(buildClaudeCommand(config, 'builder', 'claude-sonnet-4-5')).toEqual([
      '/opt/claude', '--add-dir', '/data',
      '-p', '--input-format', 'text', '--output-format', 'stream-json', '--verbose',
      '--model', 'claude-sonnet-4-5',
      '--permission-mode', 'acceptEdits', '--allowedTools', 'Read,Edit,Write,NotebookEdit,Bash', '--disallowedTools', 'WebFetch,WebSearch,Task',
      '--max-turns', '30',
      '--no-session-persistence',
    ]);
  });

  it('maps the permission levels, per stage override first', () => {
    const config = parseClaudeRunnerConfig({ permission_default: 'elevated', permission_by_stage: { updater: 'maximum' }, session_persistence: true });
    expect(buildClaudeCommand(config, 'checker', null)).toEqual([
      'claude', '-p', '--input-format', 'text', '--output-format', 'stream-json', '--verbose',
      '--permission-mode', 'acceptEdits', '--allowedTools', 'Read,Edit,Write,NotebookEdit,Bash,WebFetch,WebSearch,Task,TaskStop,Skill,ToolSearch,Monitor',
    ]);
    expect(buildClaudeCommand(config, 'updater', null).slice(-2)).toEqual(['--permission-mode', 'bypassPermissions']);
    expect(permissionFlags('basic')).toContain('acceptEdits');
  });

  it('takes the request model, else runners.claude.model, else none', () => {
    expect(selectClaudeModel(' opus ', parseClaudeRunnerConfig({ model: 'haiku' }))).toBe('opus');
    expect(selectClaudeModel(null, parseClaudeRunnerConfig({ model: 'haiku' }))).toBe('haiku');
    expect(selectClaudeModel('  ', parseClaudeRunnerConfig({}))).toBeNull();
  });

  it('quiets claude by default, sets HOME when asked, and lets runners.claude.env override both', () => {
    expect(buildClaudeEnv({ env: {} }, null)).toEqual({ CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1' });
    expect(buildClaudeEnv({ env: { DISABLE_AUTOUPDATER: '0', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1' } }, '/tmp/h')).toEqual({
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '0', HOME: '/tmp/h', ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
    });
  });

  it('refuses bypassPermissions as root without IS_SANDBOX=1, and nothing else', () => {
    expect(launchRefusal('maximum', true, {})).toMatch(/IS_SANDBOX=1/);
    expect(launchRefusal('maximum', true, { IS_SANDBOX: '1' })).toBeNull();
    expect(launchRefusal('maximum', false, {})).toBeNull();
    expect(launchRefusal('basic', true, {})).toBeNull();
  });
});
