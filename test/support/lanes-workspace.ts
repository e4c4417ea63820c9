import { execa } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitIn, initRepo } from './git-repo.js';
import { BIN, REPO_ROOT, commandRunnerToml, createRuntimeWorkspace, mdIn } from './runtime-workspace.js';

export const LANE_AGENT = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'lane-agent.mjs');

export type LaneWorkspace = { root: string; runtime: string; log: string };

/** A runtime workspace in a git repository (millrace-agents/ ignored), its stages run by the lane agent. */
export async function createLaneWorkspace(options: { execution: string; sleepMs: number; write?: 'per-stage' | 'shared'; files?: Record<string, string>; gate?: string; extraMs?: Record<string, number> }): Promise<LaneWorkspace> {
  const { root, runtime } = await createRuntimeWorkspace();
  const log = join(root, 'agent-log.jsonl');
  const env = `LANE_AGENT_LOG = ${JSON.stringify(log)}, LANE_AGENT_SLEEP_MS = "${options.sleepMs}", LANE_AGENT_WRITE = "${options.write ?? 'per-stage'}"${options.gate ? `, LANE_AGENT_GATE = ${JSON.stringify(options.gate)}` : ''}${options.extraMs ? `, LANE_AGENT_EXTRA_MS = ${JSON.stringify(JSON.stringify(options.extraMs))}` : ''}`;
  writeFileSync(join(runtime, 'millrace.toml'), commandRunnerToml(LANE_AGENT, env, ['[execution]', options.execution, '']));
  writeFileSync(join(root, '.gitignore'), 'millrace-agents/\nagent-script.json\nagent-log.jsonl\n');
  for (const [rel, text] of Object.entries(options.files ?? {})) writeFileSync(join(root, rel), text);
  initRepo(root);
  return { root, runtime, log };
}

export type AgentRecord = { event: 'start' | 'end'; cwd: string; stage: string; item: string; pid: number; at: number };

export function readAgentLog(log: string): AgentRecord[] {
  return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AgentRecord) : [];
}

/** Replays the agent log: the most stages running at once overall, and in any one directory. */
export function concurrency(records: readonly AgentRecord[]): { overall: number; perDirectory: number } {
  const running = new Map<string, number>();
  let now = 0;
  let overall = 0;
  let perDirectory = 0;
  const ordered = [...records].sort((a, b) => a.at - b.at || (a.event === 'end' ? -1 : 1));
  for (const r of ordered) {
    const delta = r.event === 'start' ? 1 : -1;
    running.set(r.cwd, (running.get(r.cwd) ?? 0) + delta);
    now += delta;
    overall = Math.max(overall, now);
    perDirectory = Math.max(perDirectory, running.get(r.cwd)!);
  }
  return { overall, perDirectory };
}

/** Start `run daemon` until `settled` (or the deadline), then stop it with SIGTERM: an interrupted daemon exits 130 (src/commands/run/daemon.ts). */
export async function runDaemonUntil(ws: LaneWorkspace, settled: () => boolean, deadlineMs = 240_000): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const child = execa('node', [BIN, 'run', 'daemon', '-w', ws.root], { reject: false, env: { CI: '1' } });
  const start = Date.now();
  while (!settled() && Date.now() - start < deadlineMs && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGTERM');
  const result = await child;
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export const taskFolder = (ws: LaneWorkspace, folder: 'queue' | 'active' | 'done' | 'blocked') => mdIn(join(ws.runtime, 'tasks', folder));
export { gitIn };

/** A queued task with its own target paths. */
export function writeLaneTask(ws: LaneWorkspace, id: string, targetPaths: string[], createdAt: string): void {
  const lines = ['---', `task_id: ${id}`, `title: Task ${id}`, `created_at: ${createdAt}`, 'created_by: test', `target_paths: [${targetPaths.join(', ')}]`];
  lines.push('acceptance: [works]', 'required_checks: [npm test]', 'references: [none]', 'risk: [low]', '---', `Work for ${id}.`, '');
  writeFileSync(join(ws.runtime, 'tasks', 'queue', `${id}.md`), lines.join('\n'));
}
