import { splitLeadingWorkspaceFlag } from '../../../src/cli/leading-flags.js';

describe('the global --workspace before the command', () => {
  it.each([
    [['--workspace', 'D', 'status'], ['status', '--workspace', 'D']],
    [['-w', 'D', 'queue', 'add-task', 't.md', '--json'], ['queue', 'add-task', 't.md', '--json', '-w', 'D']],
    [['--workspace=D', 'status'], ['status', '--workspace=D']],
    [['-wD', 'status'], ['status', '-wD']],
    [['-w', 'D', 'runs', 'tail', 'x', '--', '-literal'], ['runs', 'tail', 'x', '-w', 'D', '--', '-literal']],
    [['status', '-w', 'D'], ['status', '-w', 'D']],
    [['--version'], ['--version']],
    [['-w', 'D', '--help'], ['-w', 'D', '--help']],
  ])('%j runs as %j', (argv, expected) => {
    expect(splitLeadingWorkspaceFlag(argv)).toEqual({ argv: expected, missingCommand: false });
  });

  it('reports a workspace flag with no command after it', () => {
    expect(splitLeadingWorkspaceFlag(['-w', 'D']).missingCommand).toBe(true);
    expect(splitLeadingWorkspaceFlag(['--workspace=D']).missingCommand).toBe(true);
    expect(splitLeadingWorkspaceFlag([]).missingCommand).toBe(false);
  });
});
