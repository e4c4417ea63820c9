import { jest } from '@jest/globals';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeModelServer, type FakeModelServer } from '@millrace/plugin-api/testing';
import { spawnPiProcess, type PiProcess } from '../../src/process.js';
import { KNOWN_PI_EVENT_TYPES, PiRpcClient, type RpcEvent } from '../../src/rpc-client.js';
import { HERMETIC_PI_ARGS, REAL_PI, writePiAgentDir } from '../support/pi-agent-dir.js';

// The RPC client on its own, against every record the real pi 0.73.1 prints for a run with one tool call.
jest.setTimeout(120_000);

let server: FakeModelServer;
let root: string;
beforeAll(async () => {
  server = await startFakeModelServer({ script: () => ({ steps: [{ shell: 'echo hi > hi.txt' }, { text: 'ok\n### BUILDER_COMPLETE' }] }) });
  root = await mkdtemp(join(tmpdir(), 'millrace-pi-client-'));
});
afterAll(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

it('parses every record of a real pi session, including message_update snapshots and query responses', async () => {
  const env = await writePiAgentDir(join(root, 'agent'), server.baseUrl);
  const work = join(root, 'work');
  await mkdir(work, { recursive: true });
  const spawned = await spawnPiProcess({ command: REAL_PI, args: [...HERMETIC_PI_ARGS, '--mode', 'rpc', '--no-session', '--provider', 'fake', '--model', 'fake-model'] }, { cwd: work, env, supervision: { runId: 'run-rpc-client' } });
  if (spawned.kind !== 'spawned') throw new Error(`pi did not start: ${spawned.message}`);
  const pi: PiProcess = spawned.process;
  const events: RpcEvent[] = [];
  const notes: string[] = [];
  const client = new PiRpcClient((line) => pi.writeLine(line), { onEvent: (e) => events.push(e), onNote: (n) => notes.push(n) });
  pi.readStdout((chunk) => client.push(chunk), () => client.end());
  const deadline = Date.now() + 90_000;
  const ask = async (id: string, type: string, extra: Record<string, unknown> = {}) => {
    const reply = await client.request({ id, type, ...extra }, deadline);
    if (reply.kind !== 'response') throw new Error(`${type}: ${reply.kind}`);
    return reply.response;
  };
  try {
    const state = await ask('s', 'get_state');
    expect(state).toMatchObject({ command: 'get_state', success: true, data: { model: { id: 'fake-model', provider: 'fake' }, isStreaming: false } });
    expect(await ask('r', 'set_auto_retry', { enabled: false })).toMatchObject({ command: 'set_auto_retry', success: true });
    expect(await ask('p', 'prompt', { message: 'go' })).toMatchObject({ command: 'prompt', success: true });
    expect(await client.awaitEvent((e) => e.type === 'agent_end', deadline)).toMatchObject({ kind: 'event' });
    expect((await ask('t', 'get_last_assistant_text')).data).toEqual({ text: 'ok\n### BUILDER_COMPLETE' });
    expect((await ask('st', 'get_session_stats')).data).toMatchObject({ tokens: { input: 200, output: 60, cacheRead: 40, cacheWrite: 0, total: 300 } });
    expect(((await ask('m', 'get_messages')).data as { messages: unknown[] }).messages.map((m) => (m as { role: string }).role)).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
    expect(await ask('bad', 'no_such_command')).toMatchObject({ success: false, error: expect.stringContaining('no_such_command') });
  } finally {
    pi.closeStdin();
    if (!(await pi.waitForExit(5000))) pi.signalGroup('SIGKILL');
  }
  expect(notes).toEqual([]);
  const types = new Set(events.map((e) => e.type));
  expect([...types].filter((t) => !KNOWN_PI_EVENT_TYPES.has(t))).toEqual([]);
  for (const t of ['agent_start', 'turn_start', 'message_start', 'message_update', 'message_end', 'tool_execution_start', 'tool_execution_end', 'turn_end', 'agent_end']) expect(types).toContain(t);
  const updates = new Set(events.filter((e) => e.type === 'message_update').map((e) => (e.assistantMessageEvent as { type: string }).type));
  expect([...updates]).toEqual(expect.arrayContaining(['toolcall_start', 'toolcall_delta', 'toolcall_end', 'text_start', 'text_delta', 'text_end']));
});
