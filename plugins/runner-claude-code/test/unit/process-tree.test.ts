import { descendantGroups, parseProcStat } from '../../src/process-tree.js';

describe('process tree', () => {
  it('parses /proc/<pid>/stat even when the command name holds spaces and parentheses', () => {
    expect(parseProcStat('4242 (tail (x) -f) S 4200 4100 4100 0 -1 4194560 0')).toEqual({ pid: 4242, ppid: 4200, pgid: 4100 });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it('collects the groups of the root and every descendant, never a protected group', () => {
    const rows = [
      { pid: 1, ppid: 0, pgid: 1 },
      { pid: 50, ppid: 1, pgid: 50 }, // millrace
      { pid: 100, ppid: 50, pgid: 100 }, // claude, its own group
      { pid: 110, ppid: 100, pgid: 110 }, // bash tool call in a session of its own
      { pid: 111, ppid: 110, pgid: 110 }, // tail started by the tool
      { pid: 120, ppid: 100, pgid: 50 }, // a child that joined millrace's group
      { pid: 200, ppid: 1, pgid: 200 }, // unrelated
    ];
    expect(descendantGroups(rows, 100, [50])).toEqual([100, 110]);
    expect(descendantGroups(rows, 999, [])).toEqual([]);
  });
});
