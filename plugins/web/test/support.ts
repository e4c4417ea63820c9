import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = join(REPO_ROOT, 'bin', 'run.js');
const AGENT = join(REPO_ROOT, 'plugins', 'web', 'test', 'fixtures', 'gated-agent.mjs');
const ENV = { OCLIF_SKIP_NEW_VERSION_CHECK: 'true', NO_COLOR: '1', CI: '1' };

const STAGES: Record<string, string[]> = {
  execution: ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'],
  planning: ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'],
};

export type DemoWorkspace = { root: string; runtime: string; gates: string };

/** A workspace on the command runner with the gated test agent; `gated` stages wait for `openGate`. */
export async function createDemoWorkspace(gated: string[] = []): Promise<DemoWorkspace> {
  const root = mkdtempSync(join(tmpdir(), 'millrace-web-'));
  await execa('node', [BIN, 'init', '-w', root], { env: ENV });
  const runtime = join(root, 'millrace-agents');
  for (const [plane, names] of Object.entries(STAGES)) {
    for (const s of names) {
      for (const rel of [`entrypoints/${plane}/${s}.md`, `skills/stage/${plane}/${s}-core/SKILL.md`]) {
        const file = join(runtime, rel);
        if (!existsSync(file)) {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, `# ${s}\n`);
        }
      }
    }
  }
  const gates = join(root, 'gates');
  mkdirSync(gates);
  writeFileSync(
    join(runtime, 'millrace.toml'),
    [
      '[runtime]',
      'default_mode = "default_command"',
      'idle_sleep_seconds = 0.2',
      '[runners]',
      'default_runner = "command"',
      '[runners.command]',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(AGENT)}]`,
      `env = { WEB_TEST_GATES = ${JSON.stringify(gates)}, WEB_TEST_GATED = ${JSON.stringify(gated.join(','))} }`,
      '',
    ].join('\n'),
  );
  return { root, runtime, gates };
}

export function openGate(ws: DemoWorkspace, name: string): void {
  writeFileSync(join(ws.gates, name), '');
}

export function writeTask(ws: DemoWorkspace, id: string, title: string): void {
  writeFileSync(
    join(ws.runtime, 'tasks', 'queue', `${id}.md`),
    `---\ntask_id: ${id}\ntitle: ${title}\ncreated_at: 2026-12-01T10:00:00Z\ncreated_by: test\ntarget_paths: [src/a.ts]\nacceptance: [works]\nrequired_checks: [npm test]\nreferences: [none]\nrisk: [low]\n---\n${title}.\n`,
  );
}

/** Processes started by a test file; `stopAll` ends every one (SIGTERM, then SIGKILL), also after a failure. */
export class Processes {
  private readonly children: ResultPromise[] = [];

  millrace(args: string[], env: Record<string, string> = {}): ResultPromise {
    const child = execa('node', [BIN, ...args], { env: { ...ENV, ...env }, reject: false, stdin: 'ignore' });
    this.children.push(child);
    return child;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.children.splice(0).map(async (child) => {
        if (child.exitCode !== null && child.exitCode !== undefined) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await child.catch(() => undefined);
        clearTimeout(timer);
      }),
    );
  }
}

/** Start `millrace web` on a free port and resolve with its URL (and the control token when printed). */
export async function startWeb(processes: Processes, args: string[]): Promise<{ url: string; token: string | null; output: () => string }> {
  const child = processes.millrace(['web', '--port', '0', ...args]);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  const ready = args.includes('--allow-control') ? /control token[^:]*: \S+\n/ : /live updates: .*\n/;
  while (!ready.test(out)) {
    if (child.exitCode !== null && child.exitCode !== undefined) throw new Error(`millrace web exited ${child.exitCode}:\n${out}`);
    if (Date.now() > deadline) throw new Error(`millrace web did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = /Millrace dashboard: (\S+)/.exec(out)![1]!;
  const token = /control token[^:]*: (\S+)/.exec(out)?.[1] ?? null;
  return { url, token, output: () => out };
}

export { until as waitFor } from '../../../test/support/wait.js';
