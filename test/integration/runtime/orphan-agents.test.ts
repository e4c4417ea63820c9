import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentGroupsFileSchema } from '../../../src/contracts/agent-groups.js';
import { BIN, createRuntimeWorkspace, millrace, readEvents, writeTask } from '../../support/runtime-workspace.js';
import { until } from '../../support/wait.js';

// A stage agent never outlives the daemon that started it, and a restarted daemon ends a group its dead predecessor
// left before it recovers anything. Real daemons, real command-runner agents, real SIGKILLs.

/** Running: exists and is not a zombie (a container whose init never reaps keeps killed orphans as zombies). */
function running(pid: number): boolean {
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : null;
  return stat !== null && !/^\d+ \(.*\) [ZX]/.test(stat);
}

const agentPids = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.pid')).map((n) => Number(n.slice(0, -4)));

function groupsFile(runtime: string) {
  const path = join(runtime, 'state', 'agent_process_groups.json');
  return existsSync(path) ? AgentGroupsFileSchema.parse(JSON.parse(readFileSync(path, 'utf8'))).groups : [];
}

async function hangingWorkspace() {
  const ws = await createRuntimeWorkspace({ script: { builder: ['SLEEP:600000'] } });
  const pidDir = join(ws.root, 'agent-pids');
  mkdirSync(pidDir);
  const toml = join(ws.runtime, 'millrace.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace('env = { FAKE_AGENT_SCRIPT', `env = { FAKE_AGENT_PID_DIR = ${JSON.stringify(pidDir)}, FAKE_AGENT_SCRIPT`));
  writeTask(ws.runtime, 'task-a');
  return { ...ws, pidDir };
}

function startDaemon(root: string, extra: string[] = []): ResultPromise {
  return execa('node', [BIN, 'run', 'daemon', '-w', root, ...extra], { reject: false, env: { CI: '1' } });
}

describe('no orphan agents', () => {
  const started: number[] = [];

  /**
   * A workspace whose agent-group record names the pid of a live stranger: the stranger leads its own group, but it
   * is not the recorded process (its start time differs), and the recorded owner daemon has exited.
   */
  async function strangerAtRecordedPid() {
    const ws = await createRuntimeWorkspace();
    const stranger = execa('sleep', ['60'], { detached: true, reject: false });
    started.push(stranger.pid!);
    const finished = execa('true');
    const gonePid = finished.pid!;
    await finished;
    writeFileSync(
      join(ws.runtime, 'state', 'agent_process_groups.json'),
      JSON.stringify({
        schema_version: '1.0',
        kind: 'agent_process_groups',
        groups: [{ pid: stranger.pid, start_time: '1', run_id: 'run-old', owner_pid: gonePid, owner_start_time: '1', registered_at: '2026-01-01T00:00:00Z' }],
      }),
    );
    return { ws, stranger };
  }

  afterAll(() => {
    for (const pid of started) if (running(pid)) process.kill(pid, 'SIGKILL');
  });

  it('records the stage group before the agent runs, and the agent dies within seconds of a SIGKILLed daemon', async () => {
    const ws = await hangingWorkspace();
    const daemon = startDaemon(ws.root);
    const [agent] = await until('the builder agent', () => agentPids(ws.pidDir).length > 0 && agentPids(ws.pidDir));
    started.push(agent!);
    const [group] = groupsFile(ws.runtime);
    const snapshot = JSON.parse(readFileSync(join(ws.runtime, 'state', 'runtime_snapshot.json'), 'utf8')) as { active_run_id: string };
    expect(group).toMatchObject({ run_id: snapshot.active_run_id, owner_pid: daemon.pid });
    expect(readFileSync(`/proc/${agent}/stat`, 'utf8').split(') ')[1]!.split(' ')[2]).toBe(String(group!.pid));
    daemon.kill('SIGKILL');
    await daemon;
    const killedAt = Date.now();
    await until('the agent to end', () => !running(agent!) && !running(group!.pid), 15_000);
    expect(Date.now() - killedAt).toBeLessThan(15_000);
  }, 90_000);

  it('a restarted daemon ends a surviving group of its dead predecessor before any recovery', async () => {
    const ws = await hangingWorkspace();
    const daemon = startDaemon(ws.root);
    const [agent] = await until('the builder agent', () => agentPids(ws.pidDir).length > 0 && agentPids(ws.pidDir));
    started.push(agent!);
    const [group] = groupsFile(ws.runtime);
    // The daemon and the supervisor die together: nothing watches the agent any more.
    process.kill(group!.pid, 'SIGKILL');
    daemon.kill('SIGKILL');
    await daemon;
    await new Promise((r) => setTimeout(r, 1000));
    expect(running(agent!)).toBe(true);

    const next = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1'], { timeout: 60_000 });
    expect(next.exitCode).toBe(0);
    expect(running(agent!)).toBe(false);
    const events = readEvents(ws.runtime).map((e) => e.event_type);
    const lastStart = events.lastIndexOf('runtime_daemon_lock_acquired');
    const ended = events.indexOf('runtime_orphan_agent_group_ended', lastStart);
    expect(ended).toBeGreaterThan(lastStart);
    // Reaped before recovery and before the next stage started.
    expect(events.indexOf('runtime_started', lastStart)).toBeGreaterThan(ended);
    expect(events.indexOf('stage_started', lastStart)).toBeGreaterThan(ended);
    expect(readEvents(ws.runtime)[ended]!.data).toMatchObject({ pid: group!.pid, run_id: group!.run_id, processes: 1 });
  }, 120_000);

  it('never signals a process that reuses a recorded pid', async () => {
    const { ws, stranger } = await strangerAtRecordedPid();
    const result = await millrace(['run', 'daemon', '-w', ws.root, '--max-ticks', '1']);
    expect(result.exitCode).toBe(0);
    expect(running(stranger.pid!)).toBe(true);
    expect(groupsFile(ws.runtime)).toEqual([]);
    stranger.kill('SIGKILL');
    await stranger;
  }, 60_000);

  it('doctor reports a group that outlived its daemon, and doctor --fix ends it', async () => {
    const ws = await hangingWorkspace();
    const daemon = startDaemon(ws.root);
    const [agent] = await until('the builder agent', () => agentPids(ws.pidDir).length > 0 && agentPids(ws.pidDir));
    started.push(agent!);
    const [group] = groupsFile(ws.runtime);
    process.kill(group!.pid, 'SIGKILL');
    daemon.kill('SIGKILL');
    await daemon;
    await new Promise((r) => setTimeout(r, 1000));
    expect(running(agent!)).toBe(true);

    type Finding = { severity: string; code: string; path: string | null; message: string };
    const doctor = await millrace(['doctor', '--json', '-w', ws.root]);
    expect(doctor.exitCode).toBe(1);
    const findings = (JSON.parse(doctor.stdout) as { result: { findings: Finding[] } }).result.findings.filter((f) => f.code === 'orphan_agent_group');
    expect(findings).toEqual([
      {
        severity: 'error',
        code: 'orphan_agent_group',
        path: 'millrace-agents/state/agent_process_groups.json',
        message: `agent process group ${group!.pid} of run ${group!.run_id} (1 process) outlived its daemon (pid ${daemon.pid})`,
        remedy: expect.stringContaining('millrace doctor --fix') as unknown as string,
      },
    ]);
    expect(running(agent!)).toBe(true);

    const fix = await millrace(['doctor', '--fix', '--json', '-w', ws.root]);
    const fixed = (JSON.parse(fix.stdout) as { result: { findings: Finding[]; repair: { ended_agent_groups: Array<{ pid: number; run_id: string; processes: number }> } } }).result;
    expect(fixed.repair.ended_agent_groups).toEqual([expect.objectContaining({ pid: group!.pid, run_id: group!.run_id, processes: 1 })]);
    expect(running(agent!)).toBe(false);
    expect(fixed.findings.filter((f) => f.code === 'orphan_agent_group')).toEqual([]);
    expect(groupsFile(ws.runtime)).toEqual([]);
  }, 120_000);

  it('doctor and doctor --fix leave alone a process that reuses a recorded pid', async () => {
    const { ws, stranger } = await strangerAtRecordedPid();
    const doctor = await millrace(['doctor', '--json', '-w', ws.root]);
    expect(doctor.stdout).not.toContain('orphan_agent_group');
    const fix = await millrace(['doctor', '--fix', '--json', '-w', ws.root]);
    expect((JSON.parse(fix.stdout) as { result: { repair: { ended_agent_groups: unknown[] } } }).result.repair.ended_agent_groups).toEqual([]);
    expect(running(stranger.pid!)).toBe(true);
    stranger.kill('SIGKILL');
    await stranger;
  }, 60_000);
});
