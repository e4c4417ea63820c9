import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentGroupsFileSchema, type AgentGroupRecord } from '../../../src/contracts/agent-groups.js';
import { workspacePaths } from '../../../src/workspace/paths.js';
import { createAgentGroupStore } from '../../../src/workspace/state/agent-groups.js';

// The store reuses the records it wrote last while the file is unchanged; a change by anyone else must still be seen.

/** The pid of a process that has exited (its group no longer exists, so finishing it signals nothing). */
function exitedPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' });
  return Number(child.stdout.trim());
}

describe('agent group store', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'millrace-agent-groups-'));
    mkdirSync(join(root, 'millrace-agents', 'state'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const read = (file: string) => AgentGroupsFileSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).groups;

  it('keeps a record another writer added between its own changes', async () => {
    const paths = workspacePaths(root);
    const store = createAgentGroupStore(paths, () => new Date('2026-01-01T00:00:00Z'));
    const ours = exitedPid();
    await store.register({ pid: ours, run_id: 'run-ours' });
    expect(read(paths.agentProcessGroups).map((g) => g.run_id)).toEqual(['run-ours']);

    const foreign: AgentGroupRecord = { pid: 2, start_time: null, run_id: 'run-other', owner_pid: 1, owner_start_time: null, registered_at: '2026-01-01T00:00:00Z' };
    // Same size and a rewrite within the same clock tick would not fool the store: a replaced file is another inode.
    const file = { schema_version: '1.0', kind: 'agent_process_groups', groups: [...read(paths.agentProcessGroups), foreign] };
    writeFileSync(`${paths.agentProcessGroups}.new`, JSON.stringify(file));
    spawnSync('mv', [`${paths.agentProcessGroups}.new`, paths.agentProcessGroups]);

    await store.finishRun('run-ours');
    expect(read(paths.agentProcessGroups)).toEqual([foreign]);

    const next = exitedPid();
    await store.register({ pid: next, run_id: 'run-next' });
    expect(read(paths.agentProcessGroups).map((g) => g.run_id)).toEqual(['run-other', 'run-next']);
    await store.finishRun('run-next');
    expect(read(paths.agentProcessGroups).map((g) => g.run_id)).toEqual(['run-other']);
  });

  it('records its own start time as the owner of every group', async () => {
    const paths = workspacePaths(root);
    const store = createAgentGroupStore(paths, () => new Date('2026-01-01T00:00:00Z'));
    await store.register({ pid: exitedPid(), run_id: 'run-a' });
    await store.register({ pid: exitedPid(), run_id: 'run-b' });
    const groups = read(paths.agentProcessGroups);
    const ownStart = readFileSync(`/proc/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
    expect(groups.map((g) => [g.run_id, g.owner_pid, g.owner_start_time])).toEqual([
      ['run-a', process.pid, ownStart],
      ['run-b', process.pid, ownStart],
    ]);
  });

  it('removes the file once no group is left, and still sees a record written after that', async () => {
    const paths = workspacePaths(root);
    const store = createAgentGroupStore(paths, () => new Date('2026-01-01T00:00:00Z'));
    await store.register({ pid: exitedPid(), run_id: 'run-a' });
    await store.finishRun('run-a');
    expect(existsSync(paths.agentProcessGroups)).toBe(false);

    const foreign: AgentGroupRecord = { pid: 2, start_time: null, run_id: 'run-other', owner_pid: 1, owner_start_time: null, registered_at: '2026-01-01T00:00:00Z' };
    writeFileSync(paths.agentProcessGroups, JSON.stringify({ schema_version: '1.0', kind: 'agent_process_groups', groups: [foreign] }));
    await store.register({ pid: exitedPid(), run_id: 'run-b' });
    expect(read(paths.agentProcessGroups).map((g) => g.run_id)).toEqual(['run-other', 'run-b']);
    await store.finishRun('run-b');
    expect(read(paths.agentProcessGroups)).toEqual([foreign]);
  });
});
