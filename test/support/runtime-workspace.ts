import { execa } from 'execa';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAGE_METADATA, coreSkillPath, entrypointPath } from '../../src/contracts/stage-metadata.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(REPO_ROOT, 'bin', 'run.js');
export const FAKE_AGENT = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-agent.mjs');

/** A test workspace's millrace.toml: the command runner running `node <agent>` with `env` (TOML inline-table body), then `extra` lines. */
export function commandRunnerToml(agent: string, env: string, extra: string[] = []): string {
  const lines = ['[runtime]', 'default_mode = "default_command"', 'idle_sleep_seconds = 0.1', '', '[runners]', 'default_runner = "command"', ''];
  return [...lines, '[runners.command]', 'command = "node"', `args = [${JSON.stringify(agent)}]`, `env = { ${env} }`, '', ...extra].join('\n');
}

/** `millrace init` a temp workspace wired to the command runner and the scripted fake agent. */
export async function createRuntimeWorkspace(options: { script?: Record<string, string[]>; extraToml?: string; root?: string } = {}): Promise<{ root: string; runtime: string; script: string }> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'millrace-rt-'));
  await execa('node', [BIN, 'init', '-w', root]);
  const runtime = join(root, 'millrace-agents');
  for (const m of STAGE_METADATA) {
    for (const rel of [entrypointPath(m), coreSkillPath(m)]) {
      const file = join(runtime, rel);
      if (!existsSync(file)) {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `# ${m.stage}\n`);
      }
    }
  }
  const script = join(root, 'agent-script.json');
  writeFileSync(script, JSON.stringify(options.script ?? {}));
  writeFileSync(join(runtime, 'millrace.toml'), commandRunnerToml(FAKE_AGENT, `FAKE_AGENT_SCRIPT = ${JSON.stringify(script)}`, [options.extraToml ?? '']));
  return { root, runtime, script };
}

export function writeTask(runtime: string, id: string, extra: Record<string, string> = {}, createdAt = '2026-11-27T10:00:00Z'): void {
  const lines = ['---', `task_id: ${id}`, `title: Task ${id}`, `created_at: ${createdAt}`, 'created_by: test'];
  for (const [k, v] of Object.entries(extra)) lines.push(`${k}: ${v}`);
  lines.push('target_paths: [src/a.ts]', 'acceptance: [works]', 'required_checks: [npm test]', 'references: [none]', 'risk: [low]', '---', `Work for ${id}.`, '');
  writeFileSync(join(runtime, 'tasks', 'queue', `${id}.md`), lines.join('\n'));
}

export const mdIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.md')).sort() : []);
export const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

export type RuntimeEventLine = { event_type: string; data: Record<string, unknown> };
export function readEvents(runtime: string): RuntimeEventLine[] {
  const path = join(runtime, 'logs', 'runtime_events.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RuntimeEventLine);
}

/**
 * The events log of a workspace whose daemons were SIGKILLed, read as the product reads it: a daemon killed between
 * two pages of one append leaves a record cut short (a line that opens with `{` and is not JSON), which readers skip;
 * `torn` counts them (at most one per kill). Any other line must be an event.
 */
export function readEventsAfterKills(runtime: string): { events: RuntimeEventLine[]; torn: number } {
  const path = join(runtime, 'logs', 'runtime_events.jsonl');
  const events: RuntimeEventLine[] = [];
  let torn = 0;
  for (const line of existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []) {
    if (line === '') continue;
    try {
      events.push(JSON.parse(line) as RuntimeEventLine);
    } catch (error) {
      if (!line.startsWith('{')) throw error;
      torn += 1;
    }
  }
  return { events, torn };
}

export async function millrace(args: string[], options: { reject?: boolean; timeout?: number } = {}) {
  return execa('node', [BIN, ...args], { reject: options.reject ?? false, timeout: options.timeout ?? 60_000, env: { CI: '1' } });
}
