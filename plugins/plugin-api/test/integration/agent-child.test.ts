import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT_RUN_ID_ENV, spawnAgentChild } from '@millrace/plugin-api/agent-child';
import type { AgentGroup } from '../../src/contributions.js';

// spawnAgentChild through its built entry point (as runners load it): the supervisor is a sibling file of dist/.
const dirs: string[] = [];
const setup = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agent-child-'));
  dirs.push(dir);
  return { dir, stdoutPath: join(dir, 'out.txt'), stderrPath: join(dir, 'err.txt') };
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const node = (script: string) => [process.execPath, ['-e', script]] as const;
const stateOf = (pid: number) => (existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] : 'gone');

describe('spawnAgentChild (real processes)', () => {
  it('records the group before the agent runs, gives it stdin and the run id, and keeps its output byte for byte', async () => {
    const { dir, stdoutPath, stderrPath } = setup();
    const marker = join(dir, 'agent-ran');
    const seen: Array<[string, string]> = [];
    const groups: AgentGroup[] = [];
    // The agent writes its marker file at once: it must not exist yet when the group is recorded.
    const markerAtRegister: boolean[] = [];
    // Bytes that are no valid UTF-8 (0xff) and a character split across two writes.
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)},'');let p='';process.stdin.on('data',c=>p+=c);process.stdin.on('end',()=>{process.stdout.write(Buffer.from([0xff,0x0a]));process.stdout.write(Buffer.from([0xe2,0x82]));setTimeout(()=>{process.stdout.write(Buffer.from([0xac,0x0a]));console.error(p+' '+process.env.${AGENT_RUN_ID_ENV}+' '+process.cwd());},50)})`;
    const [command, args] = node(script);
    const child = spawnAgentChild(command, args, { cwd: dir, input: 'the prompt', stdoutPath, stderrPath, onOutput: (chunk, stream) => seen.push([stream, chunk]) }, {
      runId: 'run-42',
      registry: {
        register: async (group) => {
          markerAtRegister.push(existsSync(marker));
          groups.push(group);
          await new Promise((r) => setTimeout(r, 100));
        },
      },
    });
    await child.agentStarted;
    const exit = await child.exited;
    expect(exit).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(groups).toEqual([{ pid: child.pid, run_id: 'run-42' }]);
    expect(markerAtRegister).toEqual([false]);
    expect([...readFileSync(stdoutPath)]).toEqual([0xff, 0x0a, 0xe2, 0x82, 0xac, 0x0a]);
    expect(readFileSync(stderrPath, 'utf8')).toBe(`the prompt run-42 ${dir}\n`);
    expect(seen.filter(([s]) => s === 'stdout').map(([, c]) => c).join('')).toBe('\ufffd\n€\n');
    expect(seen.filter(([s]) => s === 'stderr').map(([, c]) => c).join('')).toBe(`the prompt run-42 ${dir}\n`);
  });

  it('never starts the agent when the group cannot be recorded', async () => {
    const { dir, stdoutPath, stderrPath } = setup();
    const marker = join(dir, 'agent-ran');
    const [command, args] = node(`require('fs').writeFileSync(${JSON.stringify(marker)},'')`);
    const child = spawnAgentChild(command, args, { cwd: dir, input: '', stdoutPath, stderrPath }, { runId: 'run-1', registry: { register: () => Promise.reject(new Error('disk full')) } });
    const exit = await child.exited;
    expect(exit.exitCode).not.toBe(0);
    expect(existsSync(marker)).toBe(false);
  });

  it('an agent that exits without reading its stdin, one that exits non-zero, one ended by a signal', async () => {
    const { dir, stdoutPath, stderrPath } = setup();
    const run = async (script: string) => {
      const [command, args] = node(script);
      return spawnAgentChild(command, args, { cwd: dir, input: 'x'.repeat(1 << 20), stdoutPath, stderrPath }, { runId: 'run-2' }).exited;
    };
    expect(await run('process.exit(0)')).toEqual({ exitCode: 0, signal: null, spawnError: null });
    expect(await run('process.exit(3)')).toEqual({ exitCode: 3, signal: null, spawnError: null });
    expect(await run("process.kill(process.pid, 'SIGKILL')")).toEqual({ exitCode: null, signal: 'SIGKILL', spawnError: null });
  });

  it('a command that cannot be found fails with the spawn error and leaves empty output files', async () => {
    const { dir, stdoutPath, stderrPath } = setup();
    const child = spawnAgentChild(join(dir, 'no-such-agent'), [], { cwd: dir, input: 'prompt', stdoutPath, stderrPath }, { runId: 'run-3' });
    const exit = await child.exited;
    expect(exit.exitCode).toBeNull();
    expect(exit.spawnError?.code).toBe('ENOENT');
    expect(readFileSync(stdoutPath, 'utf8')).toBe('');
  });

  it('ending the group (pid) ends the agent and whatever it started', async () => {
    const { dir, stdoutPath, stderrPath } = setup();
    const pidFile = join(dir, 'grandchild.pid');
    const [command, args] = node(`const c=require('child_process').spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'});require('fs').writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setInterval(()=>{},1000)`);
    const child = spawnAgentChild(command, args, { cwd: dir, input: '', stdoutPath, stderrPath }, { runId: 'run-4' });
    await child.agentStarted;
    const deadline = Date.now() + 20_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') {
      if (Date.now() > deadline) throw new Error('the agent never started its child');
      await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(-child.pid!, 'SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    while (!['gone', 'Z', 'X'].includes(stateOf(grandchild))) {
      if (Date.now() > deadline) throw new Error('the agent outlived its group');
      await new Promise((r) => setTimeout(r, 20));
    }
  });

  it('a write that fails (a full device) rejects, naming the file, after the agent ended', async () => {
    const { dir, stderrPath } = setup();
    const [command, args] = node("process.stdout.write('x'.repeat(100000))");
    const child = spawnAgentChild(command, args, { cwd: dir, input: '', stdoutPath: '/dev/full', stderrPath }, { runId: 'run-5' });
    await expect(child.exited).rejects.toMatchObject({ code: 'ENOSPC', path: '/dev/full' });
  });
});
